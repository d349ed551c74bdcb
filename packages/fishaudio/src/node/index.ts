// `fishaudio/node`: helpers that need Node built-ins (files, child processes). The main entry
// never imports this module, so browsers and edge runtimes do not see node: imports.
export { fromFile } from "./from-file.js";
export { type PlayerName, type PlayOptions, play, stream } from "./play.js";
export { save } from "./save.js";
