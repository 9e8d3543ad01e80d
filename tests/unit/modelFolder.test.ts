import * as fs from "fs";
import * as path from "path";
import { inspectMlflowModelFolder } from "../../config/folders/mlmodelFolder";
import { folderContentHash, listFolderFiles } from "../../config/folders/folderContent";
import { fakeModelFolder, validMlmodel } from "../support/modelFolders";
import { projectDir } from "../support/stackFile";

describe("MLflow model folders", () => {
    it.each(["diabetes-v1", "diabetes-v2"])("reads the committed sample model %s", (folder) => {
        const result = inspectMlflowModelFolder(path.join(projectDir, "models", folder));
        if (!result.ok) throw new Error(result.problem);
        expect(result.model.flavors).toEqual(expect.arrayContaining(["python_function", "sklearn"]));
        expect(result.model.inputColumns).toEqual(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]);
    });

    it("reads signature columns", () => {
        const result = inspectMlflowModelFolder(fakeModelFolder(validMlmodel));
        expect(result).toMatchObject({ ok: true, model: { inputColumns: ["age", "bmi"], mlflowVersion: "2.22.5" } });
    });
});

describe("folder content hash", () => {
    it("lists files in a stable order with '/' separators, nested folders included", () => {
        const dir = fakeModelFolder(undefined, { "b.txt": "b", "a/z.txt": "z", "a/b.txt": "ab" });
        expect(listFolderFiles(dir).map((f) => f.relativePath)).toEqual(["a/b.txt", "a/z.txt", "b.txt"]);
    });

    it("changes when a byte changes or a file is renamed, and only then", () => {
        const dir = fakeModelFolder(undefined, { "model.pkl": "abc" });
        const original = folderContentHash(listFolderFiles(dir));
        const copy = fakeModelFolder(undefined, { "model.pkl": "abc" });
        expect(folderContentHash(listFolderFiles(copy))).toBe(original);

        fs.writeFileSync(path.join(dir, "model.pkl"), "abd");
        expect(folderContentHash(listFolderFiles(dir))).not.toBe(original);

        fs.renameSync(path.join(copy, "model.pkl"), path.join(copy, "model2.pkl"));
        expect(folderContentHash(listFolderFiles(copy))).not.toBe(original);
    });

    it("leaves out what tools leave behind, so the same model hashes the same on every machine", () => {
        const clean = fakeModelFolder(undefined, { MLmodel: "m", "model.pkl": "p" });
        const littered = fakeModelFolder(undefined, { MLmodel: "m", "model.pkl": "p", ".DS_Store": "x", "__pycache__/a.pyc": "y", "b.pyc": "z" });
        expect(listFolderFiles(littered).map((f) => f.relativePath)).toEqual(["MLmodel", "model.pkl"]);
        expect(folderContentHash(listFolderFiles(littered))).toBe(folderContentHash(listFolderFiles(clean)));
    });

    it("refuses symbolic links, which would not be uploaded", () => {
        const dir = fakeModelFolder(undefined, { "model.pkl": "p" });
        fs.symlinkSync(path.join(dir, "model.pkl"), path.join(dir, "linked.pkl"));
        expect(() => listFolderFiles(dir)).toThrow(/linked\.pkl is a symbolic link/);
    });

    it("does not confuse file boundaries", () => {
        const joined = fakeModelFolder(undefined, { a: "xy" });
        const split = fakeModelFolder(undefined, { a: "x", b: "y" });
        expect(folderContentHash(listFolderFiles(joined))).not.toBe(folderContentHash(listFolderFiles(split)));
    });
});
