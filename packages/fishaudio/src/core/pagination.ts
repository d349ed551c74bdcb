/** One page of a list endpoint. */
export interface PaginatedResponse<T> {
  /** How many items match in total, across all pages. */
  total: number;
  items: T[];
}

/**
 * The result of a list call: `await` it for one page, or `for await` over it for every item
 * across pages (it fetches the next page only when the current one is used up). Lazy: nothing
 * is sent until it is awaited or iterated.
 *
 * @example
 * const page = await client.voices.list({ pageSize: 20 });
 * for await (const voice of client.voices.list({ selfOnly: true })) console.log(voice.title);
 */
export class PagePromise<T> implements PromiseLike<PaginatedResponse<T>>, AsyncIterable<T> {
  readonly #fetchPage: (pageNumber: number) => Promise<PaginatedResponse<T>>;
  readonly #startPage: number;
  readonly #pageSize: number;
  #first: Promise<PaginatedResponse<T>> | undefined;

  constructor(
    fetchPage: (pageNumber: number) => Promise<PaginatedResponse<T>>,
    startPage: number,
    pageSize: number,
  ) {
    this.#fetchPage = fetchPage;
    this.#startPage = startPage;
    this.#pageSize = pageSize;
  }

  #firstPage(): Promise<PaginatedResponse<T>> {
    this.#first ??= this.#fetchPage(this.#startPage);
    return this.#first;
  }

  // biome-ignore lint/suspicious/noThenProperty: PagePromise is deliberately awaitable.
  then<R1 = PaginatedResponse<T>, R2 = never>(
    onfulfilled?: ((value: PaginatedResponse<T>) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.#firstPage().then(onfulfilled, onrejected);
  }

  /** Like `Promise.prototype.catch` on the first page. */
  catch<R = never>(
    onrejected?: ((reason: unknown) => R | PromiseLike<R>) | null,
  ): Promise<PaginatedResponse<T> | R> {
    return this.#firstPage().catch(onrejected);
  }

  /** Like `Promise.prototype.finally` on the first page. */
  finally(onfinally?: (() => void) | null): Promise<PaginatedResponse<T>> {
    return this.#firstPage().finally(onfinally);
  }

  /** Every item of every page from the starting page on, fetched page by page. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let pageNumber = this.#startPage;
    let page = await this.#firstPage();
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
