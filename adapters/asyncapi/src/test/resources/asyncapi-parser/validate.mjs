// Parses each AsyncAPI document named on the command line with the AsyncAPI project's own parser and prints
// one JSON line per diagnostic; exits 0 when every document parsed without a diagnostic of severity error (0).
import { Parser } from "@asyncapi/parser";
import { readFileSync } from "node:fs";

const parser = new Parser();
let failed = 0;
for (const file of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(readFileSync(file, "utf8"), { source: file });
  for (const d of diagnostics) {
    console.log(JSON.stringify({ file, severity: d.severity, code: d.code, message: d.message, path: d.path.join("/") }));
  }
  if (!document || diagnostics.some((d) => d.severity === 0)) {
    failed++;
  }
}
process.exit(failed ? 1 : 0);
