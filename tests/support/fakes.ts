import type { AccessToken, TokenCredential } from "@azure/identity";
import type { Clock } from "../../runtime/http/clock";

/** A credential that hands out a fixed token and counts how often it was asked. */
export class FixedCredential implements TokenCredential {
    calls = 0;
    constructor(private readonly token = "test-token") {}
    async getToken(): Promise<AccessToken> {
        this.calls++;
        return { token: this.token, expiresOnTimestamp: Date.now() + 3600_000 };
    }
}

/** A credential that cannot sign in, as DefaultAzureCredential fails without a login. */
export class FailingCredential implements TokenCredential {
    async getToken(): Promise<AccessToken> {
        throw new Error("DefaultAzureCredential failed to retrieve a token from the included credentials.\nAttempted credentials: ...");
    }
}

/** A clock whose sleeps pass instantly but are recorded, so tests check waits without waiting. */
export class FakeClock implements Clock {
    readonly sleeps: number[] = [];
    private time = 1_000_000;
    now(): number {
        return this.time;
    }
    async sleep(ms: number): Promise<void> {
        this.sleeps.push(ms);
        this.time += ms;
        // Let the event loop run, as a real wait would.
        await new Promise((resolve) => setImmediate(resolve));
    }
}

/** A small seeded random generator (mulberry32), so that statistical tests are repeatable. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
