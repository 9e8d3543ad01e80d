import axios from "axios";
import * as fs from "fs";

/** Where the comment goes: a pull request of a repository, through GitHub's REST API. */
export interface PullRequestTarget {
    /** GITHUB_API_URL, e.g. https://api.github.com. */
    readonly apiUrl: string;
    /** owner/name (GITHUB_REPOSITORY). */
    readonly repository: string;
    readonly pullRequest: number;
    /** The workflow's GITHUB_TOKEN (pull-requests: write). Never logged. */
    readonly token: string;
}

/**
 * The pull request a workflow runs for, from the environment GitHub Actions sets: the API URL,
 * the repository, the token and the event payload (GITHUB_EVENT_PATH) naming the pull request.
 */
export function pullRequestFromActions(env: NodeJS.ProcessEnv): PullRequestTarget {
    const missing = ["GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_EVENT_PATH", "GITHUB_TOKEN"].filter((k) => !env[k]);
    if (missing.length > 0) throw new Error(`--post needs the GitHub Actions environment; missing ${missing.join(", ")}`);
    const event = JSON.parse(fs.readFileSync(env.GITHUB_EVENT_PATH!, "utf8")) as { pull_request?: { number?: number } };
    const pullRequest = event.pull_request?.number;
    if (!pullRequest) throw new Error(`--post runs on pull_request events; ${env.GITHUB_EVENT_PATH} names no pull request`);
    return { apiUrl: env.GITHUB_API_URL!.replace(/\/+$/, ""), repository: env.GITHUB_REPOSITORY!, pullRequest, token: env.GITHUB_TOKEN! };
}

/**
 * Posts `body` on the pull request, or updates in place the bot's comment that starts with
 * `marker` (one comment per stack, however often the workflow runs). Returns the comment's URL.
 */
export async function upsertComment(target: PullRequestTarget, marker: string, body: string): Promise<{ url: string; updated: boolean }> {
    const http = axios.create({
        baseURL: `${target.apiUrl}/repos/${target.repository}`,
        headers: { Authorization: `Bearer ${target.token}`, Accept: "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28" },
        timeout: 30_000,
    });
    for (let page = 1; ; page++) {
        const { data } = await http.get<{ id: number; body?: string; html_url: string; user?: { type?: string } }[]>(`/issues/${target.pullRequest}/comments`, { params: { per_page: 100, page } });
        // Only a bot's (the workflow's token posts as github-actions[bot]): a person's comment starting with the marker is left alone.
        const mine = data.find((c) => (c.body ?? "").startsWith(marker) && c.user?.type === "Bot");
        if (mine) {
            const updated = await http.patch<{ html_url: string }>(`/issues/comments/${mine.id}`, { body });
            return { url: updated.data.html_url, updated: true };
        }
        if (data.length < 100) break;
    }
    const created = await http.post<{ html_url: string }>(`/issues/${target.pullRequest}/comments`, { body });
    return { url: created.data.html_url, updated: false };
}
