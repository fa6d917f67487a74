// Run a wasm32-wasip1 program under Node's WASI with its arguments (no file system access).
import { readFile } from 'node:fs/promises';
import { WASI } from 'node:wasi';
import { argv } from 'node:process';
import process from 'node:process';

const [, , file, ...args] = argv;
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {} });
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
// Exit explicitly: Node 20's WASI teardown of a large instance has crashed after a
// successful run.
process.exit(wasi.start(instance) ?? 0);
