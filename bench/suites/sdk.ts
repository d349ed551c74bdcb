/** The SDK overhead suites, in run order. */
import type { Suite } from "../lib/suite.js";
import { sdkMemorySuite } from "./sdk-memory.js";
import { sdkRealtimeSuite } from "./sdk-realtime.js";
import { sdkSmallSuite } from "./sdk-small.js";
import { sdkStreamSuite } from "./sdk-stream.js";

export const sdkSuites: Suite[] = [sdkStreamSuite, sdkMemorySuite, sdkSmallSuite, sdkRealtimeSuite];
