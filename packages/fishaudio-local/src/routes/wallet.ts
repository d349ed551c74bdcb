import type { ServerResponse } from "node:http";
import type { ServerContext } from "../context.js";
import { HttpError, sendJson } from "../http/errors.js";
import { formatCredits } from "../pricing.js";
import { validateQuery } from "../schema/validate.js";
import type { Principal } from "../store/accounts.js";

/** GET /wallet/{user_id}/api-credit's query, as the schema types it (validate.ts). */
interface CreditQuery {
  check_free_credit?: boolean;
  team_id?: string;
}

function checkUser(principal: Principal, userId: string): void {
  if (userId !== "self" && userId !== principal.user.id) {
    throw new HttpError(403, "You can only read your own wallet (use 'self')");
  }
}

/** GET /wallet/{user}/api-credit: the balance, as a decimal string. */
export function handleApiCredit(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  userId: string,
  url: URL,
): void {
  checkUser(principal, userId);
  const query = validateQuery("get /wallet/{user_id}/api-credit", url) as CreditQuery;
  if (query.team_id !== undefined) {
    throw new HttpError(
      404,
      `Team '${query.team_id.slice(0, 100)}' not found: the local server has no teams; leave team_id out for your own credit`,
    );
  }
  const user = ctx.accounts.getUser(principal.user.id)!;
  sendJson(res, 200, {
    _id: `credit-${user.id}`,
    user_id: user.id,
    credit: formatCredits(user.creditMicro),
    cumulative_top_up: formatCredits(user.topUpMicro),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    has_phone_sha256: false,
    // Asked for, the answer is "no free credit" (there is none locally); not asked, null.
    has_free_credit: query.check_free_credit ? false : null,
  });
}

/** GET /wallet/{user}/package: a local server has no subscription; this describes that. */
export function handlePackage(
  ctx: ServerContext,
  res: ServerResponse,
  principal: Principal,
  userId: string,
): void {
  checkUser(principal, userId);
  const user = ctx.accounts.getUser(principal.user.id)!;
  sendJson(res, 200, {
    _id: `package-${user.id}`,
    user_id: user.id,
    type: "local",
    total: 0,
    balance: 0,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    finished_at: "9999-12-31T23:59:59.000Z",
    stripe_subscription_id: null,
    stripe_price_id: null,
    billing_period: null,
    current_period_end: null,
    cancel_at_period_end: null,
    cancel_at: null,
    scheduled_change: null,
    last_synced_at: null,
    subscription_currency: null,
    extra_balance: 0,
    has_used_trial: false,
  });
}
