// Starts fauxqs 2.x bound to 127.0.0.1 only, on FAUXQS_PORT, keeping queues, topics and messages in SQLite under
// FAUXQS_DATA_DIR (written through on every change, loaded again on start), as fauxqs's own startFauxqs() does
// but without listening on every interface. Prints "fauxqs listening on http://127.0.0.1:<port>" once ready; stops
// on SIGTERM/SIGINT and when stdin closes.
import { buildApp } from "fauxqs";
import { SqsStore } from "./node_modules/fauxqs/dist/sqs/sqsStore.js";
import { SnsStore } from "./node_modules/fauxqs/dist/sns/snsStore.js";
import { S3Store } from "./node_modules/fauxqs/dist/s3/s3Store.js";
import { PersistenceManager } from "./node_modules/fauxqs/dist/persistence.js";

const port = parseInt(process.env.FAUXQS_PORT ?? "0", 10);
const dataDir = process.env.FAUXQS_DATA_DIR;
if (!dataDir) {
  console.error("FAUXQS_DATA_DIR is not set");
  process.exit(2);
}
const sqsStore = new SqsStore();
const snsStore = new SnsStore();
const s3Store = new S3Store();
const persistence = new PersistenceManager(dataDir);
persistence.load(sqsStore, snsStore, s3Store);
sqsStore.persistence = persistence;
snsStore.persistence = persistence;
s3Store.persistence = persistence;
for (const queue of sqsStore.allQueues()) {
  queue.persistence = persistence;
}
const app = buildApp({ logger: false, stores: { sqsStore, snsStore, s3Store } });
app.addHook("preClose", () => persistence.close());
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
