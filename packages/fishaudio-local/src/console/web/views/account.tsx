import { useEffect, useState } from "preact/hooks";
import { getJson, messageOf, request } from "../api.js";
import { formatTime } from "../format.js";
import type { Me, UsageRow, UserRow } from "../types.js";
import { ErrorLine } from "../ui.js";

interface Wallet {
  credit: string;
  cumulative_top_up?: string;
}

/** Shows a key once, right after it was made (it is stored only as a hash). */
function NewKey({ made }: { made: { who: string; key: string } | undefined }) {
  if (!made) return null;
  return (
    <p class="result" id="new-key">
      New key for {made.who}: <code class="secret">{made.key}</code>{" "}
      <span class="hint">shown once: the server keeps only its hash.</span>
    </p>
  );
}

/** Users and keys of the server (the owner only). */
function Users({ me }: { me: Me }) {
  const [users, setUsers] = useState<UserRow[]>([]);
  const [nickname, setNickname] = useState("");
  const [credits, setCredits] = useState("100");
  const [made, setMade] = useState<{ who: string; key: string }>();
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    getJson<{ items: UserRow[] }>("/local/users").then(
      (r) => setUsers(r.items),
      (e) => setError(messageOf(e)),
    );
  }, [generation]);
  const act = async (what: () => Promise<void>) => {
    setError(undefined);
    try {
      await what();
      setGeneration((g) => g + 1);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const createUser = () =>
    act(async () => {
      const r = await getJson<{ nickname: string; api_key: string }>("/local/users", {
        json: { nickname: nickname || "user", credits },
      });
      setMade({ who: r.nickname, key: r.api_key });
      setNickname("");
    });
  const createKey = (user: UserRow) =>
    act(async () => {
      const r = await getJson<{ api_key: string }>(
        `/local/users/${encodeURIComponent(user.user_id)}/keys`,
        { json: {} },
      );
      setMade({ who: user.nickname, key: r.api_key });
    });
  const revoke = (keyId: string) =>
    act(async () => {
      if (!confirm("Revoke this key? Clients using it get 401 from now on.")) return;
      await request(`/local/keys/${encodeURIComponent(keyId)}`, { method: "DELETE" });
    });

  return (
    <fieldset class="panel" id="users">
      <legend>Users and keys</legend>
      <ErrorLine error={error} />
      <NewKey made={made} />
      <table class="list">
        <thead>
          <tr>
            <th>User</th>
            <th>Balance</th>
            <th>Keys (ids; the keys themselves are stored as hashes)</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.user_id} data-user-id={u.user_id}>
              <td>
                <strong>{u.nickname}</strong>
                {u.user_id === me.user_id && " (owner)"}
                <div class="hint">
                  <code>{u.user_id}</code>
                </div>
              </td>
              <td class="num">{u.credit}</td>
              <td>
                <ul class="keys">
                  {u.keys.map((k) => (
                    <li key={k.key_id}>
                      <code>{k.key_id}</code> {k.label}{" "}
                      <span class="hint">{k.created_at.slice(0, 10)}</span>{" "}
                      {k.key_id === me.key_id ? (
                        <span class="hint">(this session)</span>
                      ) : (
                        <button type="button" class="small danger" onClick={() => revoke(k.key_id)}>
                          revoke
                        </button>
                      )}
                    </li>
                  ))}
                </ul>
                <button type="button" class="small secondary" onClick={() => createKey(u)}>
                  new key
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="row">
        <label>
          Nickname
          <input value={nickname} onInput={(e) => setNickname(e.currentTarget.value)} />
        </label>
        <label>
          Credits
          <input value={credits} onInput={(e) => setCredits(e.currentTarget.value)} />
        </label>
        <button type="button" id="user-create" onClick={createUser}>
          Create user with a key
        </button>
      </div>
    </fieldset>
  );
}

/** The Account view: balance, usage ledger, and for the owner the users and keys. */
export function Account({ me }: { me: Me }) {
  const [wallet, setWallet] = useState<Wallet>();
  const [usage, setUsage] = useState<UsageRow[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    Promise.all([
      getJson<Wallet>("/wallet/self/api-credit"),
      getJson<{ items: UsageRow[] }>("/local/usage?limit=100"),
    ]).then(
      ([w, u]) => {
        setWallet(w);
        setUsage(u.items);
      },
      (e) => setError(messageOf(e)),
    );
  }, []);
  return (
    <section class="view" id="account-view">
      <h2>Account</h2>
      <ErrorLine error={error} />
      <p class="balance">
        <span class="hint">Balance of {me.nickname}</span>{" "}
        <strong id="balance">{wallet?.credit ?? "…"}</strong> credits
        <span class="hint">
          {" "}
          · key <code>{me.key_id}</code>
        </span>
      </p>
      <h3>Usage {me.owner ? "(all users)" : ""}</h3>
      <table class="list" id="usage">
        <thead>
          <tr>
            <th>Time</th>
            <th>Kind</th>
            <th>model</th>
            <th>Voice</th>
            <th>Units</th>
            <th>Credits</th>
            <th>Key id</th>
          </tr>
        </thead>
        <tbody>
          {usage.map((u) => (
            <tr key={u.id}>
              <td>{formatTime(u.created_at)}</td>
              <td>{u.kind}</td>
              <td>{u.model ?? ""}</td>
              <td>
                <code>{u.voice_id ?? ""}</code>
              </td>
              <td class="num">
                {u.kind === "asr" ? `${u.units.toFixed(1)} s` : `${u.units} bytes`}
              </td>
              <td class="num">{u.credit}</td>
              <td>
                <code>{u.key_id.slice(0, 12)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {usage.length === 0 && <p class="hint">Nothing charged yet.</p>}
      {me.owner && <Users me={me} />}
    </section>
  );
}
