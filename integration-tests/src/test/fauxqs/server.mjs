// Starts the fauxqs SNS/SQS emulator bound to 127.0.0.1 only, on FAUXQS_PORT (0 = a free port), without
// request logging. Prints "fauxqs listening on http://127.0.0.1:<port>" once ready; stops on SIGTERM/SIGINT
// and when stdin closes (so it never outlives the JVM that started it).
import { buildApp } from "fauxqs";

const port = parseInt(process.env.FAUXQS_PORT ?? "0", 10);
const app = buildApp({ logger: false });
const address = await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on ${address}`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  try {
    await app.close();
  } finally {
    process.exit(0);
  }
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdin.on("end", stop);
process.stdin.on("close", stop);
process.stdin.resume();
