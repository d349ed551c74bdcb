import { APIPromise, type WithRequestID } from "./api-promise.js";

/** One page of a list endpoint. */
export interface PaginatedResponse<T> {
  /** How many items match in total, across all pages. */
  total: number;
  items: T[];
}

/**
 * The result of a list call: `await` it for one page, or `for await` over it for every item
 * across pages (the next page is fetched only when the current one is used up). The first
 * page is requested right away; `.withResponse()` and `.asResponse()` work on it as on any call.
 *
 * @example
 * const page = await client.voices.list({ pageSize: 20 });
 * for await (const voice of client.voices.list({ selfOnly: true })) console.log(voice.title);
 */
export class PagePromise<T> extends APIPromise<PaginatedResponse<T>> implements AsyncIterable<T> {
  readonly #fetchPage: (pageNumber: number) => APIPromise<PaginatedResponse<T>>;
  readonly #startPage: number;
  readonly #pageSize: number;

  constructor(
    fetchPage: (pageNumber: number) => APIPromise<PaginatedResponse<T>>,
    startPage: number,
    pageSize: number,
  ) {
    super(APIPromise.sourceOf(fetchPage(startPage)));
    this.#fetchPage = fetchPage;
    this.#startPage = startPage;
    this.#pageSize = pageSize;
  }

  /**
   * Every item of every page from the starting page on, fetched page by page.
   * @example for await (const voice of client.voices.list({ pageSize: 50 })) ids.push(voice.id);
   */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let pageNumber = this.#startPage;
    let page: WithRequestID<PaginatedResponse<T>> = await this;
    while (true) {
      yield* page.items;
      const last =
        page.items.length === 0 ||
        page.items.length < this.#pageSize ||
        pageNumber * this.#pageSize >= page.total;
      if (last) return;
      pageNumber += 1;
      page = await this.#fetchPage(pageNumber);
    }
  }
}
