import type { RequestSpec } from "../client.js";
import type { APIPromise } from "../core/api-promise.js";
import { APIResource } from "../core/resource.js";
import type { RequestOptions } from "../internal/request-options.js";
import { checkBoolean, checkString } from "../internal/validation.js";
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

/** Query of `getCredits`, as the wallet endpoint's schema lists it. */
export interface CreditsParams {
  /** Ask the server to report `hasFreeCredit`. Sent only when given (server default false). */
  checkFreeCredit?: boolean;
  /** The team whose credit to read, instead of your own. */
  teamId?: string;
  /** Whose wallet: "self" (the default) or your user id. */
  userId?: string;
}

/** Path of `getPackage`, as the package endpoint's schema lists it. */
export interface PackageParams {
  /** Whose package: "self" (the default) or your user id. */
  userId?: string;
}

const CREDITS_KEYS = ["checkFreeCredit", "teamId", "userId"];

/** `getCredits(options)` (sdk-api.md) and `getCredits(params, options)` both work. */
function isCreditsParams(value: unknown): value is CreditsParams {
  return (
    typeof value === "object" &&
    value !== null &&
    Object.keys(value).some((key) => CREDITS_KEYS.includes(key))
  );
}

function walletPath(userId: unknown, endpoint: string): string {
  const id = checkString("userId", userId ?? "self", { nonEmpty: true });
  return `/wallet/${encodeURIComponent(id)}/${endpoint}`;
}

/** Wallet information: `client.account`. */
export class Account extends APIResource {
  /**
   * The API credit balance of the key's account (or of a team).
   * @example
   * const { credit } = await client.account.getCredits();
   * const { hasFreeCredit } = await client.account.getCredits({ checkFreeCredit: true });
   */
  getCredits(options?: RequestOptions): APIPromise<Credits>;
  getCredits(params: CreditsParams, options?: RequestOptions): APIPromise<Credits>;
  getCredits(
    paramsOrOptions?: CreditsParams | RequestOptions,
    maybeOptions?: RequestOptions,
  ): APIPromise<Credits> {
    const isParams = isCreditsParams(paramsOrOptions);
    const params: CreditsParams = isParams ? paramsOrOptions : {};
    const options = isParams ? maybeOptions : (paramsOrOptions as RequestOptions | undefined);
    // Built on the next tick, so that validation errors reject instead of throwing.
    const spec = async (): Promise<RequestSpec> => ({
      method: "GET",
      path: walletPath(params.userId, "api-credit"),
      query: {
        check_free_credit:
          params.checkFreeCredit === undefined
            ? undefined
            : checkBoolean("checkFreeCredit", params.checkFreeCredit),
        team_id:
          params.teamId === undefined
            ? undefined
            : checkString("teamId", params.teamId, { nonEmpty: true }),
      },
    });
    return this._client.requestJSON(spec(), options)._thenUnwrap(toCredits);
  }

  /**
   * The subscription package of the key's account.
   * @example const { balance, total } = await client.account.getPackage();
   */
  getPackage(options?: RequestOptions): APIPromise<Package>;
  getPackage(params: PackageParams, options?: RequestOptions): APIPromise<Package>;
  getPackage(
    paramsOrOptions?: PackageParams | RequestOptions,
    maybeOptions?: RequestOptions,
  ): APIPromise<Package> {
    const isParams =
      typeof paramsOrOptions === "object" &&
      paramsOrOptions !== null &&
      "userId" in paramsOrOptions;
    const params: PackageParams = isParams ? (paramsOrOptions as PackageParams) : {};
    const options = isParams ? maybeOptions : (paramsOrOptions as RequestOptions | undefined);
    const spec = async (): Promise<RequestSpec> => ({
      method: "GET",
      path: walletPath(params.userId, "package"),
    });
    return this._client.requestJSON(spec(), options)._thenUnwrap(toPackage);
  }
}
