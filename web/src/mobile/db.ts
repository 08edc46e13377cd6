/**
 * The inspector app's IndexedDB: the outbox (reports and task actions made offline, photos kept
 * as blobs), the reports already sent from this device ("我的上报") and the last answers of the
 * GETs the app shows offline. A tiny promise wrapper; no library.
 */
const DB_NAME = 'cityops-mobile';
const DB_VERSION = 1;
export const STORES = ['outbox', 'sent', 'snapshots'] as const;
export type StoreName = (typeof STORES)[number];

let opening: Promise<IDBDatabase> | null = null;

function open(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, DB_VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'id' });
      if (!db.objectStoreNames.contains('sent')) db.createObjectStore('sent', { keyPath: 'idempotencyKey' });
      if (!db.objectStoreNames.contains('snapshots')) db.createObjectStore('snapshots', { keyPath: 'key' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  const db = await open();
  return db.transaction(name, mode).objectStore(name);
}

export async function getAll<T>(name: StoreName): Promise<T[]> {
  return done((await store(name, 'readonly')).getAll() as IDBRequest<T[]>);
}

export async function get<T>(name: StoreName, key: string): Promise<T | undefined> {
  return done((await store(name, 'readonly')).get(key) as IDBRequest<T | undefined>);
}

export async function put<T>(name: StoreName, value: T): Promise<void> {
  await done((await store(name, 'readwrite')).put(value));
}

export async function remove(name: StoreName, key: string): Promise<void> {
  await done((await store(name, 'readwrite')).delete(key));
}

export async function clear(name: StoreName): Promise<void> {
  await done((await store(name, 'readwrite')).clear());
}

interface Snapshot<T> {
  key: string;
  data: T;
  at: number;
}

export async function getSnapshot<T>(key: string): Promise<Snapshot<T> | undefined> {
  return get<Snapshot<T>>('snapshots', key);
}

export async function putSnapshot<T>(key: string, data: T): Promise<void> {
  await put<Snapshot<T>>('snapshots', { key, data, at: Date.now() });
}

export async function removeSnapshot(key: string): Promise<void> {
  await remove('snapshots', key);
}
