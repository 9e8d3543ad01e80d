/**
 * The environment every engine run here gets: state in a local folder, secrets encrypted with a
 * passphrase, and nothing that reaches beyond this machine (no update check, no plugin download,
 * no Pulumi Cloud).
 */
export function engineEnvironment(stateDir: string, passphrase: string): Record<string, string> {
    return {
        PULUMI_BACKEND_URL: `file://${stateDir}`,
        PULUMI_CONFIG_PASSPHRASE: passphrase,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PULUMI_DIY_BACKEND_NO_LEGACY_WARNING: "true",
        PULUMI_SKIP_CONFIRMATIONS: "true",
    };
}
