// Starts the fauxqs SNS/SQS emulator bound to 127.0.0.1 only, on FAUXQS_PORT (0 = a free port), without
// request logging. With FAUXQS_DATA_DIR set (fauxqs 2.x, the fauxqs-persistent set-up) it keeps queues, topics and
// messages in SQLite there, written through on every change and loaded again on start, as fauxqs's own
// startFauxqs({ dataDir }) does but without listening on every interface. Prints
// "fauxqs listening on http://127.0.0.1:<port>" once ready; stops on SIGTERM/SIGINT and when stdin closes (so it
// never outlives the JVM that started it).
import { buildApp } from "fauxqs";

const port = parseInt(process.env.FAUXQS_PORT ?? "0", 10);
const dataDir = process.env.FAUXQS_DATA_DIR;
let stores;
let persistence;
if (dataDir) {
  const dist = "./node_modules/fauxqs/dist/";
  const { SqsStore } = await import(dist + "sqs/sqsStore.js");
  const { SnsStore } = await import(dist + "sns/snsStore.js");
  const { S3Store } = await import(dist + "s3/s3Store.js");
  const { PersistenceManager } = await import(dist + "persistence.js");
  stores = { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
  persistence = new PersistenceManager(dataDir);
  // load first, then write through (as startFauxqs does, so loading does not write back)
  persistence.load(stores.sqsStore, stores.snsStore, stores.s3Store);
  stores.sqsStore.persistence = persistence;
  stores.snsStore.persistence = persistence;
  stores.s3Store.persistence = persistence;
  for (const queue of stores.sqsStore.allQueues()) {
    queue.persistence = persistence;
  }
}
const app = buildApp({ logger: false, stores });
if (persistence) {
  app.addHook("preClose", () => persistence.close());
}
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
