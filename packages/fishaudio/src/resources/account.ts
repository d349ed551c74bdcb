import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../core/resource.js";
import type { RequestOptions } from "../internal/request-options.js";
import { toCredits, toPackage } from "../internal/wire/responses.js";

/** Your API credit balance. */
export interface Credits {
  id: string;
  userId: string;
  /** A decimal string such as "100.50" (kept as text so no precision is lost). */
  credit: string;
  createdAt: string;
  updatedAt: string;
  cumulativeTopUp?: string;
  hasPhoneSha256?: boolean;
  /** Only reported when the server was asked to check. */
  hasFreeCredit?: boolean;
}

/** Your subscription package. */
export interface Package {
  /** The live API omits `_id` for packages, so this is often undefined. */
  id: string | undefined;
  userId: string;
  type: string;
  total: number;
  balance: number;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
}

/** Wallet information: `client.account`. */
export class Account extends APIResource {
  /**
   * The API credit balance of the key's account.
   * @example const { credit } = await client.account.getCredits();
   */
  getCredits(options?: RequestOptions): APIPromise<Credits> {
    return this._client
      .requestJSON({ method: "GET", path: "/wallet/self/api-credit" }, options)
      ._thenUnwrap(toCredits);
  }

  /**
   * The subscription package of the key's account.
   * @example const { balance, total } = await client.account.getPackage();
   */
  getPackage(options?: RequestOptions): APIPromise<Package> {
    return this._client
      .requestJSON({ method: "GET", path: "/wallet/self/package" }, options)
      ._thenUnwrap(toPackage);
  }
}
