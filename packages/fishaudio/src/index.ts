export * from "./core/error.js";
