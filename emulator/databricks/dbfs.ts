import * as fs from "fs";
import * as path from "path";
import { DatabricksError, alreadyExists, doesNotExist, invalidParameter, noSuchApi } from "./errors";
import { WorkspaceRequest, jsonBody, requiredString } from "./request";

/** Inline contents of `put`, a block of `add-block` and a `read` are at most 1 MB (databricks-sdk-py `DbfsAPI` docstrings). */
const maxBlockBytes = 1024 * 1024;
/** `read`'s default length: 0.5 MB (DBFS API reference). */
const defaultReadBytes = 512 * 1024;

/**
 * A workspace's DBFS (`/api/2.0/dbfs/...`, databricks-sdk-py `service/files.py` `DbfsAPI`): files
 * under one local folder, with the API's rules and error codes from its docstrings - 1 MB per
 * inline put, block and read; `RESOURCE_ALREADY_EXISTS` without `overwrite`;
 * `RESOURCE_DOES_NOT_EXIST` for a missing path or handle; `IO_ERROR` deleting a non-empty folder
 * without `recursive`. Paths are `dbfs:/a/b` or `/a/b`.
 */
export class Dbfs {
    private readonly handles = new Map<number, string>();
    private nextHandle = 1;

    constructor(readonly root: string) {
        fs.mkdirSync(root, { recursive: true });
    }

    /** The local file or folder of a DBFS path; 400 for a relative path or one that leaves the root. */
    localPath(dbfsPath: string): string {
        const absolute = dbfsPath.replace(/^dbfs:/i, "");
        if (!absolute.startsWith("/")) throw invalidParameter(`Path must be absolute: ${dbfsPath}`);
        const parts = absolute.split("/").filter((p) => p !== "");
        if (parts.some((p) => p === "." || p === "..")) throw invalidParameter(`Path must not contain . or .. segments: ${dbfsPath}`);
        return path.join(this.root, ...parts);
    }

    /** One `/api/2.0/dbfs/<operation>` request; the answer's JSON body. */
    handle(req: WorkspaceRequest): unknown {
        const operation = req.path.replace(/^\/api\/2\.0\/dbfs\//, "");
        const body = req.method === "GET" ? Object.fromEntries(req.query) : jsonBody(req);
        const route = `${req.method} ${operation}`;
        switch (route) {
            case "POST put":
                return this.put(requiredString(body.path, "path"), body.contents, body.overwrite === true);
            case "POST create":
                return this.create(requiredString(body.path, "path"), body.overwrite === true);
            case "POST add-block":
                return this.addBlock(Number(body.handle), requiredString(body.data, "data"));
            case "POST close":
                return this.close(Number(body.handle));
            case "GET get-status":
                return this.status(requiredString(body.path, "path"));
            case "GET list":
                return this.list(requiredString(body.path, "path"));
            case "GET read":
                return this.read(requiredString(body.path, "path"), body.offset, body.length);
            case "POST mkdirs":
                return this.mkdirs(requiredString(body.path, "path"));
            case "POST delete":
                return this.delete(requiredString(body.path, "path"), body.recursive === true || body.recursive === "true");
            case "POST move":
                return this.move(requiredString(body.source_path, "source_path"), requiredString(body.destination_path, "destination_path"));
            default:
                throw noSuchApi(req.method, req.path);
        }
    }

    private put(dbfsPath: string, contents: unknown, overwrite: boolean): unknown {
        const file = this.writableFile(dbfsPath, overwrite);
        const bytes = typeof contents === "string" ? Buffer.from(contents, "base64") : Buffer.alloc(0);
        if (bytes.length > maxBlockBytes) throw new DatabricksError(400, "MAX_BLOCK_SIZE_EXCEEDED", `The contents of a put are at most 1 MB: use create, add-block and close for ${dbfsPath}`);
        fs.writeFileSync(file, bytes);
        return {};
    }

    private create(dbfsPath: string, overwrite: boolean): unknown {
        const file = this.writableFile(dbfsPath, overwrite);
        fs.writeFileSync(file, Buffer.alloc(0));
        const handle = this.nextHandle++;
        this.handles.set(handle, file);
        return { handle };
    }

    private addBlock(handle: number, data: string): unknown {
        const file = this.handles.get(handle);
        if (!file) throw doesNotExist(`Stream handle ${handle} does not exist`);
        const bytes = Buffer.from(data, "base64");
        if (bytes.length > maxBlockBytes) throw new DatabricksError(400, "MAX_BLOCK_SIZE_EXCEEDED", "A block is at most 1 MB");
        fs.appendFileSync(file, bytes);
        return {};
    }

    private close(handle: number): unknown {
        if (!this.handles.delete(handle)) throw doesNotExist(`Stream handle ${handle} does not exist`);
        return {};
    }

    private status(dbfsPath: string): unknown {
        return fileInfo(this.existing(dbfsPath), normalised(dbfsPath));
    }

    private list(dbfsPath: string): unknown {
        const local = this.existing(dbfsPath);
        // Listing a file lists that file (DBFS API reference).
        if (!fs.statSync(local).isDirectory()) return { files: [fileInfo(local, normalised(dbfsPath))] };
        const base = normalised(dbfsPath).replace(/\/$/, "");
        const files = fs
            .readdirSync(local)
            .sort()
            .map((name) => fileInfo(path.join(local, name), `${base}/${name}`));
        return { files };
    }

    private read(dbfsPath: string, offsetParam: unknown, lengthParam: unknown): unknown {
        const local = this.existing(dbfsPath);
        if (fs.statSync(local).isDirectory()) throw invalidParameter(`${dbfsPath} is a directory`);
        const offset = offsetParam === undefined ? 0 : Number(offsetParam);
        const length = lengthParam === undefined ? defaultReadBytes : Number(lengthParam);
        if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(length) || length < 0) throw invalidParameter("offset and length must be non-negative integers");
        if (length > maxBlockBytes) throw new DatabricksError(400, "MAX_READ_SIZE_EXCEEDED", "A read is at most 1 MB");
        const bytes = fs.readFileSync(local).subarray(offset, offset + length);
        return { bytes_read: bytes.length, data: bytes.toString("base64") };
    }

    private mkdirs(dbfsPath: string): unknown {
        const local = this.localPath(dbfsPath);
        for (let prefix = local; prefix !== this.root && prefix.startsWith(this.root); prefix = path.dirname(prefix)) {
            if (fs.existsSync(prefix) && !fs.statSync(prefix).isDirectory()) throw alreadyExists(`A file exists at ${prefix.slice(this.root.length)}`);
        }
        fs.mkdirSync(local, { recursive: true });
        return {};
    }

    private delete(dbfsPath: string, recursive: boolean): unknown {
        const local = this.localPath(dbfsPath);
        if (local === this.root) throw invalidParameter("The DBFS root cannot be deleted");
        if (!fs.existsSync(local)) return {};
        if (fs.statSync(local).isDirectory() && fs.readdirSync(local).length > 0 && !recursive) {
            throw new DatabricksError(400, "IO_ERROR", `${dbfsPath} is a non-empty directory: delete it with recursive`);
        }
        fs.rmSync(local, { recursive: true, force: true });
        return {};
    }

    private move(source: string, destination: string): unknown {
        const from = this.existing(source);
        const to = this.localPath(destination);
        if (fs.existsSync(to)) throw alreadyExists(`${destination} already exists`);
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.renameSync(from, to);
        return {};
    }

    private existing(dbfsPath: string): string {
        const local = this.localPath(dbfsPath);
        if (!fs.existsSync(local)) throw doesNotExist(`No file or directory exists on path ${normalised(dbfsPath)}.`);
        return local;
    }

    /** A file to write, its folder made; refused when it exists and `overwrite` is not set, or is a folder. */
    private writableFile(dbfsPath: string, overwrite: boolean): string {
        const file = this.localPath(dbfsPath);
        if (fs.existsSync(file)) {
            if (fs.statSync(file).isDirectory()) throw alreadyExists(`A directory exists at ${normalised(dbfsPath)}`);
            if (!overwrite) throw alreadyExists(`A file or directory already exists at the input path ${normalised(dbfsPath)}.`);
        }
        fs.mkdirSync(path.dirname(file), { recursive: true });
        return file;
    }
}

/** `/a/b` for `dbfs:/a/b`. */
function normalised(dbfsPath: string): string {
    return dbfsPath.replace(/^dbfs:/i, "") || "/";
}

function fileInfo(local: string, dbfsPath: string): Record<string, unknown> {
    const stat = fs.statSync(local);
    return { path: dbfsPath, is_dir: stat.isDirectory(), file_size: stat.isDirectory() ? 0 : stat.size, modification_time: Math.floor(stat.mtimeMs) };
}
