// Runs the cells with `require("fishaudio")` (CommonJS) and prints the results as one JSON line.
const sdk = require("fishaudio");

import("./cells.mjs")
  .then(({ runCells }) => runCells(sdk, JSON.parse(process.argv[2])))
  .then((results) => console.log(JSON.stringify(results)));
