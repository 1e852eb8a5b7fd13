/**
 * The raw tap: every edge that receives text from the outside world (socket frames, HTTP
 * bodies) hands it here, with its source name and receive time, before parsing it — so a
 * capture can keep the exact bytes for re-parsing later (`polylab replay --raw`).
 */
export type RawTap = (source: string, recvMs: number, data: string, http?: { url: string; status: number }) => void;
