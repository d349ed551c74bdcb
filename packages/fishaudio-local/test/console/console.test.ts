/**
 * The console page in real headless Chromium against the real local server (real engines):
 * speak, clone, transcribe, watch requests, and a second user who sees only its own. The same
 * run takes the screenshots shown in the package README: into docs/console/*.png when
 * UPDATE_SCREENSHOTS=1 (how they are refreshed), otherwise into a temporary folder, so that a
 * test run never changes tracked files.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type LocalServer, startServer } from "fishaudio-local";
import type { Page } from "puppeteer-core";
import { launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { fixture } from "../helpers/fixtures.js";

/** The part of the SDK these tests use. */
interface Sdk {
  tts: {
    convert(params: {
      text: string;
      format: string;
      model: string;
      references?: Array<{ audio: Uint8Array; text: string }>;
    }): Promise<{
      collect(): Promise<Uint8Array>;
    }>;
  };
}
type SdkClass = new (options: { apiKey: string; baseUrl: string; maxRetries: number }) => Sdk;

// The SDK is loaded by name at run time: its sources are type-checked in their own package (with
// the DOM types they need), not as part of this one.
const sdkPackage = "fishaudio";
const { FishAudio } = (await import(sdkPackage)) as { FishAudio: SdkClass };

const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? new URL("../../docs/console/", import.meta.url)
  : pathToFileURL(`${mkdtempSync(join(tmpdir(), "fishaudio-console-shots-"))}/`);
const TIMEOUT = 120_000;

describe("console in Chromium", { timeout: 600_000 }, () => {
  let server: LocalServer;
  let chrome: TestBrowser;
  let page: Page;
  // Every URL any page asked for: the console must talk to its own server only.
  const requested: string[] = [];

  const shot = async (p: Page, name: string) => {
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: fileURLToPath(new URL(`${name}.png`, SHOTS)), fullPage: true });
  };
  const openConsole = async (key: string): Promise<Page> => {
    // A fresh browser context: its own session storage, as a new tab of another person.
    const context = await chrome.browser.createBrowserContext();
    const p = await context.newPage();
    await p.setViewport({ width: 1280, height: 800 });
    p.on("request", (r) => requested.push(r.url()));
    const errors: string[] = [];
    p.on("pageerror", (e) => errors.push(String(e)));
    await p.goto(`${server.url}/#key=${encodeURIComponent(key)}`);
    await p.waitForSelector("nav", { timeout: TIMEOUT });
    assert.deepEqual(errors, []);
    return p;
  };
  const view = async (p: Page, name: string) => {
    await p.click(`button[data-view=${name}]`);
    await p.waitForSelector(`#${name}-view`);
  };
  /** Plays an audio element to its end (fast): only audio Chromium can decode gets there. */
  const playToEnd = (p: Page, selector: string) =>
    p.evaluate(`new Promise((resolve, reject) => {
      const a = document.querySelector(${JSON.stringify(selector)});
      const fail = () => reject(new Error("cannot play: " + (a.error && a.error.message)));
      if (a.error) return fail();
      a.addEventListener("error", fail);
      a.addEventListener("ended", () => resolve({ duration: a.duration, reached: a.currentTime }));
      a.playbackRate = 4;
      a.play().catch(reject);
    })`) as Promise<{ duration: number; reached: number }>;
  const setValue = (p: Page, selector: string, value: string) =>
    p.$eval(
      selector,
      (el, v) => {
        (el as unknown as { value: string }).value = v;
        el.dispatchEvent(new Event("input", { bubbles: true }));
      },
      value,
    );

  before(async () => {
    server = await startServer({ host: "127.0.0.1" });
    chrome = await launchBrowser();
    page = await openConsole(server.apiKey);
  });
  after(async () => {
    await chrome?.close();
    await server?.close();
  });

  it("takes the key from the fragment into session storage, out of the address bar, with no cookie", async () => {
    assert.equal(new URL(page.url()).hash, "");
    const stored = await page.evaluate('sessionStorage.getItem("fishaudio-local.key")');
    assert.equal(stored, server.apiKey);
    assert.deepEqual(await page.browserContext().cookies(), []);
    assert.match(await page.$eval(".who", (e) => e.textContent ?? ""), /owner/);
  });

  it("speaks a sentence: the page receives audio it can decode, and highlights the words in time", async () => {
    await setValue(page, "#speak-text", "The console speaks this sentence out loud.");
    assert.equal(
      await page.$eval("#speak-timed", (e) => (e as unknown as { checked: boolean }).checked),
      true,
    );
    await page.click("#speak-go");
    // Word timings from /v1/tts/stream/with-timestamp, marked as playback reaches them.
    await page.waitForSelector("#speak-words span.spoken", { timeout: TIMEOUT });
    const words = await page.$$eval("#speak-words span", (spans) =>
      spans.map((s) => (s.textContent ?? "").trim()),
    );
    assert.deepEqual(words, ["The", "console", "speaks", "this", "sentence", "out", "loud"]);
    const result = await page.waitForSelector("#speak-result", { timeout: TIMEOUT });
    const bytes = Number(await result!.evaluate((e) => e.getAttribute("data-bytes")));
    const seconds = Number(await result!.evaluate((e) => e.getAttribute("data-decoded-seconds")));
    assert.ok(bytes > 1000, `only ${bytes} bytes of audio`);
    // Chromium's own decoder read it: a sentence of speech, not an empty or broken file.
    assert.ok(seconds > 1 && seconds < 20, `decoded ${seconds} s`);
    // By the end of playback every word has been reached.
    await page.waitForFunction(
      'document.querySelectorAll("#speak-words span.spoken").length === document.querySelectorAll("#speak-words span").length',
      { timeout: TIMEOUT },
    );
    await shot(page, "speak");
  });

  it("clones a voice from an uploaded file, which then lists with a playable sample", async () => {
    await view(page, "voices");
    await setValue(page, "#voice-title", "Console clone");
    const input = await page.$("#voice-files");
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(
      fixture("jfk.wav"),
    );
    await page.waitForSelector("ul.samples li");
    // With its transcript, the sample is not transcribed again on the server.
    await setValue(page, "ul.samples li input", "ask not what your country can do for you");
    await page.click("#voice-create");
    const created = await page.waitForSelector("#voice-created", { timeout: TIMEOUT });
    const id = await created!.evaluate((e) => e.getAttribute("data-voice-id"));
    assert.ok(id);
    const voice = (await (
      await fetch(`${server.url}/model/${id}`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { title: string; samples: unknown[] };
    assert.equal(voice.title, "Console clone");
    assert.equal(voice.samples.length, 1);
    await setValue(page, "#voice-search", "Console clone");
    const row = await page.waitForSelector(`tr[data-voice-id="${id}"]`, { timeout: TIMEOUT });
    await (await row!.$("button"))!.click();
    await page.waitForSelector(`tr[data-voice-id="${id}"] audio`, { timeout: TIMEOUT });
    await shot(page, "voices");
  });

  it("designs a voice: candidates to play, one kept as a voice that then lists", async () => {
    await view(page, "voices");
    await setValue(page, "#design-instruction", "calm, deep old narrator, slow");
    await setValue(page, "#design-text", "Every voice here was designed in the console.");
    await page.click("#design-go");
    await page.waitForSelector("#design-candidates li audio", { timeout: TIMEOUT });
    const candidates = await page.$$("#design-candidates li");
    assert.equal(candidates.length, 2);
    const played = await playToEnd(page, "#design-candidates li:first-child audio");
    assert.ok(played.duration > 0.5 && played.duration < 20, `${played.duration} s`);
    assert.ok(played.reached >= played.duration - 0.05, `stopped at ${played.reached} s`);
    await setValue(page, "#design-candidates li:first-child input", "Designed narrator");
    await page.click("#design-candidates li:first-child button.keep");
    const kept = await page.waitForSelector("#design-candidates .kept", { timeout: TIMEOUT });
    const id = await kept!.evaluate((e) => e.getAttribute("data-voice-id"));
    assert.ok(id);
    const voice = (await (
      await fetch(`${server.url}/model/${id}`, {
        headers: { authorization: `Bearer ${server.apiKey}` },
      })
    ).json()) as { title: string; samples: Array<{ text: string }> };
    assert.equal(voice.title, "Designed narrator");
    assert.equal(voice.samples[0]?.text, "Every voice here was designed in the console.");
    await setValue(page, "#voice-search", "Designed narrator");
    await page.waitForSelector(`#voice-list tr[data-voice-id="${id}"]`, { timeout: TIMEOUT });
    const panel = await page.$("#design-voice");
    await panel!.screenshot({ path: fileURLToPath(new URL("design.png", SHOTS)) });
  });

  it("transcribes jfk.wav into text with timed segments", async () => {
    await view(page, "transcribe");
    const input = await page.$("#asr-file");
    await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(
      fixture("jfk.wav"),
    );
    await page.click("#asr-go");
    await page.waitForSelector("#asr-text", { timeout: TIMEOUT });
    const text = await page.$eval("#asr-text", (e) => e.textContent ?? "");
    assert.match(text.toLowerCase(), /country/);
    const segments = await page.$$eval("#asr-segments tbody tr", (rows) => rows.length);
    assert.ok(segments > 0);
    await shot(page, "transcribe");
  });

  it("shows a request sent by the SDK, with its key id (never the key), model header and fields, and plays its audio", async () => {
    const sdk = new FishAudio({ apiKey: server.apiKey, baseUrl: server.url, maxRetries: 0 });
    const reference = new Uint8Array(readFileSync(fixture("jfk.wav")));
    const references = [{ audio: reference, text: "ask not what your country can do for you" }];
    await (
      await sdk.tts.convert({ text: "Sent by the SDK.", format: "wav", model: "s1", references })
    ).collect();
    await view(page, "requests");
    const row = await page.waitForSelector('tr[data-path="/v1/tts"] ::-p-text(s1)', {
      timeout: TIMEOUT,
    });
    await row!.click();
    await page.waitForSelector("#request-detail dl.fields dd ::-p-text(Sent by the SDK.)", {
      timeout: TIMEOUT,
    });
    const html = await page.content();
    assert.ok(!html.includes(server.apiKey), "the key is on the page");
    // The inline reference: its size, and a player of the audio the server kept apart.
    const size = await page.$eval("#request-detail dl.fields .binary .size", (e) => e.textContent);
    assert.match(size ?? "", /^wav file, \d+(\.\d)? KiB$/);
    const player = "#request-detail dl.fields .binary audio.kept";
    await page.waitForSelector(player, { timeout: TIMEOUT });
    const played = await playToEnd(page, player);
    assert.ok(Math.abs(played.duration - 11) < 0.5, `the reference lasts ${played.duration} s`);
    assert.ok(played.reached >= played.duration - 0.05);
    // The audio answered, too.
    await page.waitForSelector("#response-audio audio.kept", { timeout: TIMEOUT });
    const answered = await playToEnd(page, "#response-audio audio.kept");
    assert.ok(answered.duration > 0.5, `the answer lasts ${answered.duration} s`);
    // Only the key that sent it (or the owner) may fetch it: another user's key gets a 404.
    const path = await page.$eval(player, (e) => e.getAttribute("data-path"));
    const other = server.createUser({ nickname: "eve" });
    const fetchAs = (key: string) =>
      fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await fetchAs(other.apiKey)).status, 404);
    const own = await fetchAs(server.apiKey);
    assert.deepEqual(new Uint8Array(await own.arrayBuffer()), reference);
    // The voice upload is shown as its size, and kept for playing too.
    await page.click('tr[data-method="POST"][data-path="/model"]');
    await page.waitForSelector("#request-detail .binary audio.kept", { timeout: TIMEOUT });
    const binary = await page.$eval("#request-detail .binary .size", (e) => e.textContent ?? "");
    assert.match(binary, /wav file, \d+(\.\d)? KiB/);
    await row!.click();
    await page.waitForSelector("#request-detail ::-p-text(Sent by the SDK.)");
    await page.waitForSelector("#response-audio audio.kept", { timeout: TIMEOUT });
    await shot(page, "requests");
  });

  it("shows the owner the balance, the ledger, users and keys, and makes a key", async () => {
    await view(page, "account");
    await page.waitForSelector("#usage tbody tr", { timeout: TIMEOUT });
    await setValue(page, "#users input", "carol");
    await page.click("#user-create");
    const made = await page.waitForSelector("#new-key code", { timeout: TIMEOUT });
    const key = await made!.evaluate((e) => e.textContent ?? "");
    const me = (await (
      await fetch(`${server.url}/local/me`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { nickname: string; owner: boolean };
    assert.equal(me.nickname, "carol");
    assert.equal(me.owner, false);
    await page.waitForSelector("tr ::-p-text(carol)");
    // The screenshot must not show a working key.
    await page.$eval("#new-key code", (e) => {
      e.textContent = "(key shown once)";
    });
    await shot(page, "account");
  });

  it("a non-owner key sees only its own requests and no users", async () => {
    const bob = server.createUser({ nickname: "bob" });
    const sdk = new FishAudio({ apiKey: bob.apiKey, baseUrl: server.url, maxRetries: 0 });
    await (
      await sdk.tts.convert({ text: "Bob speaks.", format: "mp3", model: "bob-model" })
    ).collect();
    const bobPage = await openConsole(bob.apiKey);
    await view(bobPage, "requests");
    await bobPage.waitForSelector('tr[data-path="/v1/tts"] ::-p-text(bob-model)', {
      timeout: TIMEOUT,
    });
    const models = await bobPage.$$eval("#request-list tbody tr td:nth-child(5)", (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.ok(models.length >= 1);
    assert.ok(!models.includes("s1"), `bob sees the owner's request: ${models.join(", ")}`);
    const keyIds = await bobPage.$$eval("#request-list tbody tr td:nth-child(2)", (cells) =>
      cells.map((c) => c.textContent),
    );
    assert.equal(new Set(keyIds).size, 1);
    await view(bobPage, "account");
    await bobPage.waitForSelector("#balance");
    assert.equal(await bobPage.$("#users"), null);
    await bobPage.browserContext().close();
  });

  it("asked for nothing but its own server", () => {
    const foreign = requested.filter(
      (u) => !u.startsWith(`${server.url}/`) && !u.startsWith("blob:") && !u.startsWith("data:"),
    );
    assert.deepEqual(foreign, []);
    assert.ok(requested.length > 10);
  });
});
