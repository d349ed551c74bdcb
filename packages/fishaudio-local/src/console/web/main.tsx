import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import {
  ApiError,
  adoptKeyFromFragment,
  forgetKey,
  getJson,
  messageOf,
  rememberKey,
} from "./api.js";
import type { Me } from "./types.js";
import { ErrorLine } from "./ui.js";
import { Account } from "./views/account.js";
import { Requests } from "./views/requests.js";
import { Speak } from "./views/speak.js";
import { Transcribe } from "./views/transcribe.js";
import { Voices } from "./views/voices.js";
import { useAllVoices } from "./voices-data.js";

const VIEWS = ["speak", "voices", "transcribe", "requests", "account"] as const;
type View = (typeof VIEWS)[number];
const TITLES: Record<View, string> = {
  speak: "Speak",
  voices: "Voices",
  transcribe: "Transcribe",
  requests: "Requests",
  account: "Account",
};

function SignIn({ error, onKey }: { error: string | undefined; onKey: (key: string) => void }) {
  const [key, setKey] = useState("");
  return (
    <main class="signin">
      <h1>fishaudio-local console</h1>
      <p>
        Open the link the server printed when it started (it carries the key after <code>#</code>),
        or paste an API key of this server. The key stays in this tab's session storage and is sent
        only to this server.
      </p>
      <ErrorLine error={error} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (key.trim()) onKey(key.trim());
        }}
      >
        <input
          type="password"
          id="signin-key"
          placeholder="API key"
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}

function App() {
  const [me, setMe] = useState<Me>();
  const [error, setError] = useState<string>();
  const [checking, setChecking] = useState(true);

  const check = useCallback(() => {
    setChecking(true);
    getJson<Me>("/local/me").then(
      (who) => {
        setMe(who);
        setError(undefined);
        setChecking(false);
      },
      (e) => {
        if (e instanceof ApiError && e.status === 401) forgetKey();
        setMe(undefined);
        setError(messageOf(e));
        setChecking(false);
      },
    );
  }, []);

  useEffect(() => {
    if (adoptKeyFromFragment()) check();
    else setChecking(false);
  }, []);

  if (checking) return <p class="boot">Signing in…</p>;
  if (!me) {
    return (
      <SignIn
        error={error}
        onKey={(key) => {
          rememberKey(key);
          check();
        }}
      />
    );
  }
  return (
    <Console
      me={me}
      onSignOut={() => {
        forgetKey();
        setMe(undefined);
      }}
    />
  );
}

function Console({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const [view, setView] = useState<View>("speak");
  const voices = useAllVoices();
  return (
    <>
      <header>
        <h1>fishaudio-local</h1>
        <nav>
          {VIEWS.map((v) => (
            <button
              type="button"
              key={v}
              data-view={v}
              class={v === view ? "tab active" : "tab"}
              onClick={() => setView(v)}
            >
              {TITLES[v]}
            </button>
          ))}
        </nav>
        <span class="who">
          {me.nickname}
          {me.owner ? " (owner)" : ""} · <code>{me.key_id.slice(0, 12)}</code>{" "}
          <button type="button" class="small secondary" onClick={onSignOut}>
            sign out
          </button>
        </span>
      </header>
      <main>
        <ErrorLine error={voices.error} />
        {view === "speak" && <Speak voices={voices.voices} />}
        {view === "voices" && <Voices me={me} onChanged={voices.reload} />}
        {view === "transcribe" && <Transcribe />}
        {view === "requests" && <Requests />}
        {view === "account" && <Account me={me} />}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
