#ifndef GATEWAY_CLIBEVENT_SHIM_H
#define GATEWAY_CLIBEVENT_SHIM_H
// sys/select.h first: two Clang modules that both pull it in otherwise disagree on fd_set.
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <signal.h>
#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/util.h>

// evtimer_new is a function-like macro, which Swift cannot import.
static inline struct event *gw_evtimer_new(struct event_base *base, event_callback_fn cb, void *arg) { return evtimer_new(base, cb, arg); }

// evsignal_new is a function-like macro, which Swift cannot import.
static inline struct event *gw_evsignal_new(struct event_base *base, int signum, event_callback_fn cb, void *arg) { return evsignal_new(base, signum, cb, arg); }

// SIG_IGN is a macro casting an integer to a function pointer, which Swift cannot import.
static inline int gw_ignore_sigpipe(void) { return signal(SIGPIPE, SIG_IGN) == SIG_ERR ? -1 : 0; }

// S_ISSOCK is a function-like macro, which Swift cannot import.
static inline int gw_is_socket_mode(mode_t mode) { return S_ISSOCK(mode); }

#endif
