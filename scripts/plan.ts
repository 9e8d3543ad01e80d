/**
 * Offline plan: `npm run plan -- --stack dev` prints what `pulumi up` would declare for a stack,
 * computed without Azure or the Pulumi CLI. Exits 1 with the configuration problems when the
 * stack file is invalid.
 */
import * as path from "path";
import { parseArgs } from "util";
import { planStack } from "../tools/plan/plan";

async function main(): Promise<number> {
    const { values } = parseArgs({ options: { stack: { type: "string", default: "dev" }, json: { type: "boolean" } } });
    const projectDir = path.resolve(__dirname, "..");
    process.chdir(projectDir);
    const plan = await planStack(projectDir, values.stack!);
    if (values.json) {
        console.log(JSON.stringify({ stack: plan.stack, resources: plan.resources, outputs: plan.outputs }, null, 2));
        return 0;
    }
    console.log(`Stack ${plan.stack}: ${plan.resources.length} resources (offline plan; Azure-computed values are placeholders)\n`);
    for (const resource of [...plan.resources].sort((a, b) => a.type.localeCompare(b.type) || a.name.localeCompare(b.name))) {
        console.log(`  ${resource.type.padEnd(58)} ${resource.name}`);
    }
    console.log("\nOutputs:");
    for (const [key, value] of Object.entries(plan.outputs)) console.log(`  ${key}: ${JSON.stringify(value)}`);
    return 0;
}

main().then(
    (code) => process.exit(code),
    (err: Error) => {
        console.error(err.message);
        process.exit(1);
    },
);
