export type * from "./engines/types.js";
