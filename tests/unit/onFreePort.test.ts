import { onFreePort } from "../../emulator/inference/inferenceServer";

/** Servers of the local Azure start on a free port, and on another when theirs was taken in the meantime. */
describe("onFreePort", () => {
    it("starts again on another port when the server could not bind its own (uvicorn's and gunicorn's words)", async () => {
        const tried: number[] = [];
        const taken = ["ERROR:    [Errno 98] error while attempting to bind on address ('127.0.0.1', 1): address already in use", "[ERROR] Connection in use: ('127.0.0.1', 1)"];
        const started = await onFreePort(async (port) => {
            tried.push(port);
            if (tried.length <= taken.length) throw new Error(`MLflow's scoring server exited (code 3) while starting:\n${taken[tried.length - 1]}`);
            return `server on ${port}`;
        });
        expect(tried).toHaveLength(3);
        expect(started).toBe(`server on ${tried[2]}`);
    });

    it("throws any other failure at once, and a taken port after the last attempt", async () => {
        let calls = 0;
        await expect(
            onFreePort(async () => {
                calls++;
                throw new Error("the model failed to load");
            }),
        ).rejects.toThrow("the model failed to load");
        expect(calls).toBe(1);
        calls = 0;
        await expect(
            onFreePort(async () => {
                calls++;
                throw new Error("address already in use");
            }, 2),
        ).rejects.toThrow("address already in use");
        expect(calls).toBe(2);
    });
});
