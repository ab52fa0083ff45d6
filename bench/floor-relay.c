/*
 * The floor under the gateway's design, for `make bench`: one process that forwards bytes between
 * a listening socket and a target, both ways, with nothing else. Two of them chained, client ->
 * relay (TCP in, Unix out) -> relay (Unix in, TCP out) -> emulator, make the same hops as httpshim
 * and translator: the same sockets, one wakeup per arrival in each process, a read and a write per
 * hop. No HTTP parsing, no JSON, no signing, no allocation per message: whatever the pair costs per
 * request or per token is what the two-process design costs on this machine before any work is done.
 *
 *   floor-relay LISTEN TARGET      LISTEN, TARGET: tcp:PORT (127.0.0.1) or unix:PATH
 *
 * It prints "ready" on stdout once listening. Each accepted connection gets its own connection to
 * TARGET (wrk keeps its connections, so they are made once per run). Plain epoll, level-triggered;
 * a partial write stops reading the other side until the rest is written.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct end {
    int fd;
    int closed;
    struct end *peer;
    char *pending; /* bytes read from peer that this end's socket did not take yet */
    size_t length, offset;
    struct end *next_closed;
};

static int epoll_fd;
static struct end *closed_ends; /* freed after the epoll batch that closed them */
static char buffer[65536];

static void die(const char *what) {
    perror(what);
    exit(1);
}

/* Fills the address for "tcp:PORT" or "unix:PATH"; returns its length. */
static socklen_t parse_address(const char *spec, struct sockaddr_storage *out, int *is_tcp) {
    memset(out, 0, sizeof *out);
    if (strncmp(spec, "tcp:", 4) == 0) {
        struct sockaddr_in *in = (struct sockaddr_in *)out;
        in->sin_family = AF_INET;
        in->sin_port = htons((unsigned short)atoi(spec + 4));
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *is_tcp = 1;
        return sizeof *in;
    }
    if (strncmp(spec, "unix:", 5) == 0 && strlen(spec + 5) < sizeof(((struct sockaddr_un *)0)->sun_path)) {
        struct sockaddr_un *un = (struct sockaddr_un *)out;
        un->sun_family = AF_UNIX;
        strcpy(un->sun_path, spec + 5);
        *is_tcp = 0;
        return sizeof *un;
    }
    fprintf(stderr, "floor-relay: bad address %s (tcp:PORT or unix:PATH)\n", spec);
    exit(2);
}

static void no_delay(int fd) {
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static void watch(struct end *e, unsigned events, int op) {
    struct epoll_event ev = {.events = events, .data.ptr = e};
    if (epoll_ctl(epoll_fd, op, e->fd, &ev) != 0)
        die("epoll_ctl");
}

static struct end *new_end(int fd) {
    struct end *e = calloc(1, sizeof *e);
    if (e == NULL)
        die("calloc");
    e->fd = fd;
    return e;
}

static void close_pair(struct end *e) {
    struct end *ends[2] = {e, e->peer};
    for (int i = 0; i < 2; i++) {
        if (ends[i]->closed)
            continue;
        ends[i]->closed = 1;
        close(ends[i]->fd); /* also leaves the epoll set */
        ends[i]->next_closed = closed_ends;
        closed_ends = ends[i];
    }
}

/* Writes what `to` still owes; returns 1 when nothing is left. */
static int flush(struct end *to) {
    while (to->offset < to->length) {
        ssize_t n = write(to->fd, to->pending + to->offset, to->length - to->offset);
        if (n > 0) {
            to->offset += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && errno == EAGAIN) {
            return 0;
        } else {
            close_pair(to);
            return 0;
        }
    }
    free(to->pending);
    to->pending = NULL;
    to->length = to->offset = 0;
    return 1;
}

static void readable(struct end *from) {
    if (from->peer->pending != NULL)
        return; /* a hangup reported while reading is paused: read on once the peer has drained */
    ssize_t n = read(from->fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close_pair(from);
        return;
    }
    struct end *to = from->peer;
    ssize_t written = write(to->fd, buffer, (size_t)n);
    if (written == n)
        return;
    if (written < 0 && errno != EAGAIN && errno != EINTR) {
        close_pair(from);
        return;
    }
    size_t done = written > 0 ? (size_t)written : 0;
    to->pending = malloc((size_t)n - done);
    if (to->pending == NULL)
        die("malloc");
    memcpy(to->pending, buffer + done, (size_t)n - done);
    to->length = (size_t)n - done;
    to->offset = 0;
    watch(from, 0, EPOLL_CTL_MOD);
    watch(to, EPOLLIN | EPOLLOUT, EPOLL_CTL_MOD);
}

static void writable(struct end *to) {
    if (flush(to) && !to->closed) {
        watch(to, EPOLLIN, EPOLL_CTL_MOD);
        watch(to->peer, EPOLLIN, EPOLL_CTL_MOD);
    }
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: floor-relay LISTEN TARGET  (tcp:PORT or unix:PATH)\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_storage listen_address, target_address;
    int listen_tcp, target_tcp;
    socklen_t listen_length = parse_address(argv[1], &listen_address, &listen_tcp);
    socklen_t target_length = parse_address(argv[2], &target_address, &target_tcp);

    int listener = socket(listen_address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (listener < 0 || setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        die("socket");
    if (!listen_tcp)
        unlink(((struct sockaddr_un *)&listen_address)->sun_path);
    if (bind(listener, (struct sockaddr *)&listen_address, listen_length) != 0 || listen(listener, 4096) != 0)
        die("bind/listen");
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event listen_event = {.events = EPOLLIN, .data.ptr = NULL};
    if (epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &listen_event) != 0)
        die("epoll");
    printf("ready\n");
    fflush(stdout);

    struct epoll_event events[256];
    for (;;) {
        int count = epoll_wait(epoll_fd, events, 256, -1);
        if (count < 0 && errno == EINTR)
            continue;
        if (count < 0)
            die("epoll_wait");
        for (int i = 0; i < count; i++) {
            struct end *e = events[i].data.ptr;
            if (e == NULL) {
                int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
                if (client < 0)
                    continue;
                /* Connecting on loopback or to a Unix socket completes at once: blocking is fine here. */
                int upstream = socket(target_address.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
                if (upstream < 0 || connect(upstream, (struct sockaddr *)&target_address, target_length) != 0) {
                    perror("connect");
                    close(client);
                    if (upstream >= 0)
                        close(upstream);
                    continue;
                }
                if (fcntl(upstream, F_SETFL, O_NONBLOCK) != 0)
                    die("fcntl");
                if (listen_tcp)
                    no_delay(client);
                if (target_tcp)
                    no_delay(upstream);
                struct end *a = new_end(client), *b = new_end(upstream);
                a->peer = b;
                b->peer = a;
                watch(a, EPOLLIN, EPOLL_CTL_ADD);
                watch(b, EPOLLIN, EPOLL_CTL_ADD);
                continue;
            }
            if (e->closed)
                continue;
            if (events[i].events & EPOLLOUT)
                writable(e);
            if (!e->closed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                readable(e);
        }
        while (closed_ends != NULL) {
            struct end *next = closed_ends->next_closed;
            free(closed_ends->pending);
            free(closed_ends);
            closed_ends = next;
        }
    }
}
