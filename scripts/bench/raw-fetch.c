/* raw-fetch: the "bytes only" baseline of scripts/bench-ingest.
 *
 * Fetches every message of an IMAP folder the way surel's CurlIMAPSource does (DESIGN.md, "Facts measured
 * here"): one libcurl easy handle (so one kept-open connection), `UID SEARCH ALL` as a custom request, then
 * `imap://HOST:PORT/FOLDER/;UID=n` per message with a 512 KB receive buffer. The bytes are counted and dropped:
 * this is the floor for any libcurl-based fetcher, with no parsing and no storage.
 *
 * With --flag it also sends `UID STORE n +FLAGS.SILENT ($BenchSeen)` after each message, as surel does with
 * after_store = "flag": the floor for surel's protocol pattern (two round trips per message).
 *
 * Usage: raw-fetch [--flag] URL USER PASSWORD      (URL like imap://127.0.0.1:10143/INBOX)
 * Prints: MESSAGES BYTES SECONDS
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct buf { char *data; size_t len; };

/* Collects the SEARCH response (a few tens of KB for 10,000 UIDs). */
static size_t collect(char *p, size_t size, size_t n, void *ud) {
    struct buf *b = ud;
    size_t add = size * n;
    char *grown = realloc(b->data, b->len + add + 1);
    if (!grown) return 0;
    b->data = grown;
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

/* Counts message bytes and drops them. */
static size_t discard(char *p, size_t size, size_t n, void *ud) {
    (void)p;
    *(unsigned long long *)ud += size * n;
    return size * n;
}

static void check(CURLcode rc, const char *what) {
    if (rc != CURLE_OK) { fprintf(stderr, "raw-fetch: %s: %s\n", what, curl_easy_strerror(rc)); exit(1); }
}

int main(int argc, char **argv) {
    int flag = argc > 1 && strcmp(argv[1], "--flag") == 0;
    if (flag) { argv++; argc--; }
    if (argc != 4) { fprintf(stderr, "usage: raw-fetch [--flag] imap://HOST:PORT/FOLDER USER PASSWORD\n"); return 2; }
    const char *folder = argv[1];
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);

    curl_global_init(CURL_GLOBAL_DEFAULT);
    CURL *h = curl_easy_init();
    curl_easy_setopt(h, CURLOPT_USERNAME, argv[2]);
    curl_easy_setopt(h, CURLOPT_PASSWORD, argv[3]);
    curl_easy_setopt(h, CURLOPT_BUFFERSIZE, 512L * 1024);   /* 16 KB default: 6x slower (DESIGN.md) */

    struct buf search = {0};
    curl_easy_setopt(h, CURLOPT_URL, folder);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, "UID SEARCH ALL");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &search);
    check(curl_easy_perform(h), "UID SEARCH");
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);

    unsigned long long bytes = 0, messages = 0;
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &bytes);
    char *line = search.data ? strstr(search.data, "* SEARCH") : NULL;
    char url[2048], store[128];
    struct buf ignored = {0};
    if (line) {
        char *p = line + 8, *end;
        for (;;) {
            unsigned long uid = strtoul(p, &end, 10);
            if (end == p) break;                                  /* end of the number list (CRLF) */
            p = end;
            snprintf(url, sizeof url, "%s/;UID=%lu", folder, uid);
            curl_easy_setopt(h, CURLOPT_URL, url);
            check(curl_easy_perform(h), url);
            messages++;
            if (flag) {
                /* The custom command runs on the folder URL; its (empty) untagged output is collected, not counted. */
                snprintf(store, sizeof store, "UID STORE %lu +FLAGS.SILENT ($BenchSeen)", uid);
                curl_easy_setopt(h, CURLOPT_URL, folder);
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, store);
                curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
                curl_easy_setopt(h, CURLOPT_WRITEDATA, &ignored);
                check(curl_easy_perform(h), store);
                curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, NULL);
                curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
                curl_easy_setopt(h, CURLOPT_WRITEDATA, &bytes);
                ignored.len = 0;
            }
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%llu %llu %.3f\n", messages, bytes, (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
    curl_easy_cleanup(h);
    free(search.data);
    free(ignored.data);
    curl_global_cleanup();
    return 0;
}
