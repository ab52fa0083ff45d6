/*
 * The floor under the gateway's libraries, for `make bench`: the design's two processes doing the
 * least the fixed libraries allow. A front process serves HTTP with libevent's evhttp and passes each
 * request over one Unix-socket link, framed and tagged with an id, to a back process that sends it on
 * with libcurl's multi interface driven by the same libevent loop; the answer comes back the same
 * way. The client's request is already SigV4-signed (as for bench/floor-relay.c): no JSON, no
 * validation, no signing, no keys, no metrics, no logging. What this pair costs per request, and adds
 * to a request's latency, is what evhttp + libcurl + two processes cost on this machine before any of
 * the gateway's own work; the gateway's figures minus these are the part its Swift code can still win.
 *
 *   floor-libs back unix:PATH http://127.0.0.1:PORT    libcurl side; prints "ready", then takes one link
 *   floor-libs front unix:PATH                         evhttp side on 127.0.0.1, a kernel-chosen port
 *
 * Link frames, both ways: u32 id, u32 length, then length bytes (host order: one machine).
 *   front -> back: "PATH\n" then "Name: value\n" per forwarded header, "\n", then the body.
 *   back -> front: u32 HTTP status, then the body.
 * Like the gateway, both sides batch per loop turn: what one wake-up's callbacks queue for the link
 * leaves in one write once they have run (a write event is armed only when the kernel leaves bytes),
 * the back starts the turn's new transfers with one curl_multi_socket_action, and the front writes
 * each reply straight to the client's socket rather than on the next loop turn.
 */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_IN_FLIGHT 65536

static struct event_base *base;
static int link_fd = -1;
static struct evbuffer *link_in, *link_out;
static struct event *link_read_event, *link_write_event;
static void (*on_frame)(uint32_t id, struct evbuffer *payload, size_t length);
static struct event *end_of_turn;
static int end_of_turn_pending, curl_kick_owed;

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void *checked(void *pointer) {
    if (pointer == NULL) {
        fprintf(stderr, "floor-libs: out of memory\n");
        exit(1);
    }
    return pointer;
}

static struct sockaddr_un unix_address(const char *spec) {
    struct sockaddr_un address = {.sun_family = AF_UNIX};
    if (strncmp(spec, "unix:", 5) != 0 || strlen(spec + 5) >= sizeof address.sun_path) {
        fprintf(stderr, "floor-libs: bad link address %s (unix:PATH)\n", spec);
        exit(2);
    }
    strcpy(address.sun_path, spec + 5);
    return address;
}

/* ---------------------------------------------------------------- the link */

static void link_flush(void) {
    while (evbuffer_get_length(link_out) > 0) {
        int n = evbuffer_write(link_out, link_fd);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            die("link write");
        break;
    }
    if (evbuffer_get_length(link_out) > 0)
        event_add(link_write_event, NULL);
}

static void link_writable(evutil_socket_t fd, short what, void *arg) {
    (void)fd, (void)what, (void)arg;
    link_flush();
}

/* Runs once the loop turn's other callbacks have (an active event at the same priority). */
static void schedule_end_of_turn(void) {
    if (!end_of_turn_pending) {
        end_of_turn_pending = 1;
        event_active(end_of_turn, 0, 0);
    }
}

static void link_send(uint32_t id, const void *prefix, size_t prefix_length, struct evbuffer *rest) {
    uint32_t head[2] = {id, (uint32_t)(prefix_length + (rest ? evbuffer_get_length(rest) : 0))};
    evbuffer_add(link_out, head, sizeof head);
    if (prefix_length > 0)
        evbuffer_add(link_out, prefix, prefix_length);
    if (rest != NULL)
        evbuffer_add_buffer(link_out, rest); /* moves the chains, no copy */
}

static void link_readable(evutil_socket_t fd, short what, void *arg) {
    (void)what, (void)arg;
    int n = evbuffer_read(link_in, fd, -1);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        fprintf(stderr, "floor-libs: link closed\n");
        exit(0);
    }
    uint32_t head[2];
    while (evbuffer_copyout(link_in, head, sizeof head) == (ev_ssize_t)sizeof head &&
           evbuffer_get_length(link_in) >= sizeof head + head[1]) {
        evbuffer_drain(link_in, sizeof head);
        on_frame(head[0], link_in, head[1]); /* consumes exactly head[1] bytes */
    }
}

static void link_attach(int fd) {
    evutil_make_socket_nonblocking(fd);
    link_fd = fd;
    link_in = checked(evbuffer_new());
    link_out = checked(evbuffer_new());
    link_read_event = checked(event_new(base, fd, EV_READ | EV_PERSIST, link_readable, NULL));
    link_write_event = checked(event_new(base, fd, EV_WRITE, link_writable, NULL));
    event_add(link_read_event, NULL);
}

/* ---------------------------------------------------------------- back: libcurl */

struct transfer {
    uint32_t id;
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    struct evbuffer *answer;
    struct transfer *next_free;
};

static CURLM *multi;
static struct event *curl_timer;
static struct transfer *free_transfers;
static const char *upstream;
static char url[4096];

static size_t received(char *data, size_t size, size_t count, void *context) {
    struct transfer *t = context;
    evbuffer_add(t->answer, data, size * count);
    return size * count;
}

static void reap(void) {
    CURLMsg *message;
    int left;
    while ((message = curl_multi_info_read(multi, &left)) != NULL) {
        if (message->msg != CURLMSG_DONE)
            continue;
        struct transfer *t;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        long status = 502;
        if (message->data.result == CURLE_OK)
            curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
        curl_multi_remove_handle(multi, t->easy);
        uint32_t code = (uint32_t)status;
        link_send(t->id, &code, sizeof code, t->answer);
        schedule_end_of_turn();
        curl_slist_free_all(t->headers);
        t->headers = NULL;
        free(t->body);
        t->body = NULL;
        t->next_free = free_transfers;
        free_transfers = t;
    }
}

static void socket_event(evutil_socket_t fd, short what, void *arg) {
    (void)arg;
    int running, action = ((what & EV_READ) ? CURL_CSELECT_IN : 0) | ((what & EV_WRITE) ? CURL_CSELECT_OUT : 0);
    curl_multi_socket_action(multi, fd, action, &running);
    reap();
}

static void timer_fired(evutil_socket_t fd, short what, void *arg) {
    (void)fd, (void)what, (void)arg;
    int running;
    curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
    reap();
}

static int socket_changed(CURL *easy, curl_socket_t fd, int what, void *multi_context, void *socket_context) {
    (void)easy, (void)multi_context;
    struct event *watch = socket_context;
    if (what == CURL_POLL_REMOVE) {
        if (watch != NULL)
            event_free(watch);
        curl_multi_assign(multi, fd, NULL);
        return 0;
    }
    short events = EV_PERSIST | ((what & CURL_POLL_IN) ? EV_READ : 0) | ((what & CURL_POLL_OUT) ? EV_WRITE : 0);
    if (watch != NULL) {
        event_del(watch);
        event_assign(watch, base, fd, events, socket_event, NULL);
    } else {
        watch = checked(event_new(base, fd, events, socket_event, NULL));
        curl_multi_assign(multi, fd, watch);
    }
    event_add(watch, NULL);
    return 0;
}

static int timer_changed(CURLM *m, long milliseconds, void *context) {
    (void)m, (void)context;
    if (milliseconds < 0) {
        evtimer_del(curl_timer);
    } else {
        struct timeval after = {milliseconds / 1000, (milliseconds % 1000) * 1000};
        evtimer_add(curl_timer, &after);
    }
    return 0;
}

static void back_frame(uint32_t id, struct evbuffer *payload, size_t length) {
    char *request = checked(malloc(length + 1));
    evbuffer_remove(payload, request, length);
    request[length] = '\0';
    struct transfer *t = free_transfers;
    if (t != NULL) {
        free_transfers = t->next_free;
    } else {
        t = checked(calloc(1, sizeof *t));
        t->easy = checked(curl_easy_init());
        t->answer = checked(evbuffer_new());
        curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
        curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, received);
        curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    }
    t->id = id;
    t->body = request;
    char *line = request, *end = strchr(line, '\n');
    if (end == NULL) {
        fprintf(stderr, "floor-libs: bad frame\n");
        exit(1);
    }
    *end = '\0';
    snprintf(url, sizeof url, "%s%s", upstream, line);
    curl_easy_setopt(t->easy, CURLOPT_URL, url);
    for (line = end + 1; (end = strchr(line, '\n')) != NULL && end != line; line = end + 1) {
        *end = '\0';
        t->headers = checked(curl_slist_append(t->headers, line));
    }
    const char *body = end != NULL ? end + 1 : request + length;
    curl_easy_setopt(t->easy, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(t->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(request + length - body));
    curl_multi_add_handle(multi, t->easy);
    /* Started at the end of this turn rather than on curl's 0 ms timer, a loop turn later (the gateway's kick). */
    curl_kick_owed = 1;
    schedule_end_of_turn();
}

static void back_end_of_turn(evutil_socket_t fd, short what, void *arg) {
    (void)fd, (void)what, (void)arg;
    if (curl_kick_owed) {
        curl_kick_owed = 0;
        int running;
        curl_multi_socket_action(multi, CURL_SOCKET_TIMEOUT, 0, &running);
        reap();
    }
    end_of_turn_pending = 0; /* still set while reaping: what reap queued goes in this flush */
    link_flush();
}

static int run_back(const char *link, const char *target) {
    upstream = target;
    struct sockaddr_un address = unix_address(link);
    int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unlink(address.sun_path);
    if (listener < 0 || bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 1) != 0)
        die("link listen");
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        die("curl_global_init");
    multi = checked(curl_multi_init());
    curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, socket_changed);
    curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer_changed);
    curl_timer = checked(evtimer_new(base, timer_fired, NULL));
    printf("ready\n");
    fflush(stdout);
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        die("link accept");
    on_frame = back_frame;
    end_of_turn = checked(event_new(base, -1, 0, back_end_of_turn, NULL));
    link_attach(fd);
    return event_base_dispatch(base);
}

/* ---------------------------------------------------------------- front: evhttp */

static struct evhttp_request *waiting[MAX_IN_FLIGHT];
static uint32_t free_ids[MAX_IN_FLIGHT];
static uint32_t free_count;
static struct evbuffer *reply;

static int forwarded(const char *name) {
    static const char *const skipped[] = {"host", "content-length", "connection", "expect", "transfer-encoding"};
    for (size_t i = 0; i < sizeof skipped / sizeof *skipped; i++)
        if (strcasecmp(name, skipped[i]) == 0)
            return 0;
    return 1;
}

static void front_request(struct evhttp_request *request, void *arg) {
    (void)arg;
    if (free_count == 0 || evhttp_request_get_command(request) != EVHTTP_REQ_POST) {
        evhttp_send_error(request, 503, NULL);
        return;
    }
    uint32_t id = free_ids[--free_count];
    waiting[id] = request;
    struct evbuffer *head = checked(evbuffer_new());
    evbuffer_add_printf(head, "%s\n", evhttp_request_get_uri(request));
    struct evkeyvalq *headers = evhttp_request_get_input_headers(request);
    for (struct evkeyval *h = headers->tqh_first; h != NULL; h = h->next.tqe_next)
        if (forwarded(h->key))
            evbuffer_add_printf(head, "%s: %s\n", h->key, h->value);
    evbuffer_add(head, "\n", 1);
    evbuffer_add_buffer(head, evhttp_request_get_input_buffer(request));
    link_send(id, NULL, 0, head);
    evbuffer_free(head);
    schedule_end_of_turn();
}

static void front_end_of_turn(evutil_socket_t fd, short what, void *arg) {
    (void)fd, (void)what, (void)arg;
    end_of_turn_pending = 0;
    link_flush();
}

static void front_frame(uint32_t id, struct evbuffer *payload, size_t length) {
    uint32_t status;
    evbuffer_remove(payload, &status, sizeof status);
    evbuffer_remove_buffer(payload, reply, length - sizeof status);
    struct evhttp_request *request = id < MAX_IN_FLIGHT ? waiting[id] : NULL;
    if (request == NULL) {
        fprintf(stderr, "floor-libs: answer for unknown id %u\n", id);
        exit(1);
    }
    waiting[id] = NULL;
    free_ids[free_count++] = id;
    /* Should evhttp have seen the client hang up, the request has no connection left: sending frees it. */
    struct evhttp_connection *client = evhttp_request_get_connection(request);
    evhttp_add_header(evhttp_request_get_output_headers(request), "Content-Type", "application/json");
    evhttp_send_reply(request, (int)status, "OK", reply);
    evbuffer_drain(reply, evbuffer_get_length(reply));
    if (client == NULL)
        return;
    struct bufferevent *connection = evhttp_connection_get_bufferevent(client);
    /* evhttp leaves the reply for the socket's write event, a loop turn later; send it now, bracketed by the
     * freeze the bufferevent keeps on its output's front (as the gateway's writeQueuedOutput). */
    struct evbuffer *output = bufferevent_get_output(connection);
    evbuffer_unfreeze(output, 1);
    evbuffer_write(output, bufferevent_getfd(connection));
    evbuffer_freeze(output, 1);
}

static int run_front(const char *link) {
    struct sockaddr_un address = unix_address(link);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0)
        die("link connect");
    for (uint32_t i = 0; i < MAX_IN_FLIGHT; i++)
        free_ids[free_count++] = MAX_IN_FLIGHT - 1 - i;
    reply = checked(evbuffer_new());
    on_frame = front_frame;
    end_of_turn = checked(event_new(base, -1, 0, front_end_of_turn, NULL));
    link_attach(fd);
    struct evhttp *http = checked(evhttp_new(base));
    evhttp_set_gencb(http, front_request, NULL);
    if (evhttp_bind_socket_with_handle(http, "127.0.0.1", 0) == NULL)
        die("evhttp bind");
    printf("ready\n");
    fflush(stdout);
    return event_base_dispatch(base);
}

int main(int argc, char **argv) {
    signal(SIGPIPE, SIG_IGN);
    base = checked(event_base_new());
    if (argc == 4 && strcmp(argv[1], "back") == 0)
        return run_back(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "front") == 0)
        return run_front(argv[2]);
    fprintf(stderr, "usage: floor-libs back unix:PATH http://127.0.0.1:PORT | floor-libs front unix:PATH\n");
    return 2;
}
