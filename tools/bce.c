/*
 * bce.c -- the `bce` command-line tool: subcommand dispatch, help, version,
 * ISA listing.  `bce verify` lives in libbce-verify (bcev_verify_main),
 * `bce eval` in eval.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bce.h"
#include "bce_verify.h"
#include "bcev_cli.h"
#include "tool.h"

static const char main_help[] =
    "usage: bce <command> [options]\n"
    "\n"
    "libbce: binary cross-entropy loss and gradient, with proven ulp bounds.\n"
    "\n"
    "commands:\n"
    "  eval      read \"x y [w]\" lines on stdin, print \"loss grad\" per line\n"
    "  verify    check every kernel against the MPFR reference (exit 1 if a\n"
    "            bound is exceeded)\n"
    "  gradcheck check a logistic regression's gradient and Hessian-vector\n"
    "            product (libbce's, a --lib symbol or a process) against the\n"
    "            exact gradient and by finite differences (exit 1 on failure)\n"
    "  isa       list the instruction sets, show the active one\n"
    "  exhaustive        every binary32 input, y = 0 and 1, vs correct rounding\n"
    "  exhaustive-merge  merge the JSON summaries of exhaustive shards\n"
    "  vectors   write the golden test vectors for ports (CSV)\n"
    "  compare   measure a port's outputs against the golden vectors\n"
    "  check     judge a port (a process or a C symbol) against the oracle\n"
    "  help CMD  help on one command\n"
    "\n"
    "  --help, -h      this text\n"
    "  --version, -V   print the version\n"
    "\n"
    "Every command but gradcheck takes --json FILE: its data as JSON into\n"
    "FILE ('-' = standard output), opening with {\"tool\": \"bce CMD\",\n"
    "\"libbce\": VERSION, \"schema\": N, ...}.  Long commands show progress on\n"
    "standard error: a bar on a terminal, else a line every 5 s.\n"
    "\n"
    "exit status: 0 success, 1 verification failure, 2 usage or input error.\n"
    "environment: BCE_ISA=NAME picks the kernels, NAME one of\n"
    "             @ISAS@ (default: the best the CPU runs).\n";

static const char isa_help[] =
    "usage: bce isa [--json FILE]\n"
    "\n"
    "List every instruction set libbce knows (@ISAS@), in the\n"
    "library's order from the baseline to the best, with its status here,\n"
    "and the active one (the best available, or the one named by the\n"
    "BCE_ISA environment variable).  Output, one line per ISA:\n"
    "  NAME STATUS [active]\n"
    "STATUS: \"available\", \"not runnable on this CPU\" (compiled in, but\n"
    "this CPU or OS lacks it) or \"not built into this library\" (another\n"
    "target, or a compiler without its flags); then a last line\n"
    "\"active: NAME\".\n"
    "\n"
    "  --json FILE  the same as JSON into FILE ('-' = standard output,\n"
    "               instead of the text):\n"
    "               {\"tool\": \"bce isa\", \"libbce\": V, \"schema\": 1,\n"
    "                \"active\": NAME, \"isas\": [{\"name\": NAME, \"built\": B,\n"
    "                \"available\": B, \"active\": B}, ...]}\n";

static const char version_help[] =
    "usage: bce --version\n"
    "\n"
    "Print the version of the tool and of the libbce it runs.\n";

static const char help_help[] =
    "usage: bce help [COMMAND]\n"
    "\n"
    "Print help on COMMAND (eval, verify, gradcheck, isa, exhaustive,\n"
    "exhaustive-merge, vectors, compare, check, help, version), or the command\n"
    "overview.\n";

#define ISA_SCHEMA 1

static int cmd_isa(int argc, char **argv)
{
    const char *json = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(bce_tool_help(isa_help), stdout);
            return BCE_EXIT_OK;
        }
        if (strcmp(argv[i], "--json") == 0 && !json) {
            if ((json = bcev_json_arg("isa", argv[i], i + 1 < argc ? argv[i + 1] : NULL))
                == NULL)
                return BCE_EXIT_USAGE;
            i++;
            continue;
        }
        fprintf(stderr, "bce isa: unexpected argument '%s'\n"
                        "try 'bce help isa'\n", bce_tool_esc(argv[i], BCE_TOOL_ESC_NAME));
        return BCE_EXIT_USAGE;
    }
    FILE *jf = json ? bcev_json_open("isa", json) : NULL;
    if (json && !jf)
        return BCE_EXIT_USAGE;
    const char *active = bce_active_isa();
    const size_t n = bce_isa_count();
    int width = 7;
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(bce_isa_name(i)) > width)
            width = (int)strlen(bce_isa_name(i));
    if (jf) {
        bcev_json_header(jf, "isa", ISA_SCHEMA);
        fprintf(jf, "\"active\": \"%s\", \"isas\": [", active != NULL ? active : "");
    }
    for (size_t i = 0; i < n; i++) {
        const char *name = bce_isa_name(i);
        int built = bce_isa_compiled(name);
        int avail = bce_isa_available(name);
        int is_active = active != NULL && strcmp(active, name) == 0;
        if (jf)
            fprintf(jf, "%s\n  {\"name\": \"%s\", \"built\": %s, \"available\": %s, "
                    "\"active\": %s}", i ? "," : "", name, built ? "true" : "false",
                    avail ? "true" : "false", is_active ? "true" : "false");
        if (jf != stdout)
            printf("%-*s %s%s\n", width, name,
                   avail ? "available" : built ? "not runnable on this CPU"
                                               : "not built into this library",
                   is_active ? " active" : "");
    }
    if (jf != stdout)
        printf("active: %s\n", active != NULL ? active : "(none)");
    if (jf) {
        fprintf(jf, "\n]}\n");
        if (bcev_json_close("isa", json, jf) != 0)
            return BCE_EXIT_USAGE;
    }
    return BCE_EXIT_OK;
}

static int cmd_version(void)
{
    printf("bce %s (libbce %s)\n", BCE_VERSION_STRING, bce_version());
    return BCE_EXIT_OK;
}

static int run_verify(int argc, char **argv)
{
    return bcev_verify_main(argc, argv);
}

static int cmd_help(int argc, char **argv)
{
    if (argc < 2) {
        fputs(bce_tool_help(main_help), stdout);
        return BCE_EXIT_OK;
    }
    const char *c = argv[1];
    if (strcmp(c, "eval") == 0) {
        fputs(bce_tool_eval_help(), stdout);
    } else if (strcmp(c, "verify") == 0) {
        char verify[] = "verify", help[] = "--help";
        char *args[] = {verify, help, NULL};
        return run_verify(2, args);
    } else if (strcmp(c, "gradcheck") == 0) {
        fputs(bce_tool_gradcheck_help(), stdout);
    } else if (strcmp(c, "isa") == 0) {
        fputs(bce_tool_help(isa_help), stdout);
    } else if (strcmp(c, "exhaustive") == 0) {
        fputs(bce_tool_exhaustive_help(), stdout);
    } else if (strcmp(c, "exhaustive-merge") == 0) {
        fputs(bce_tool_exhaustive_merge_help(), stdout);
    } else if (strcmp(c, "vectors") == 0) {
        fputs(bce_tool_vectors_help(), stdout);
    } else if (strcmp(c, "compare") == 0) {
        fputs(bce_tool_compare_help(), stdout);
    } else if (strcmp(c, "check") == 0) {
        fputs(bce_tool_check_help(), stdout);
    } else if (strcmp(c, "help") == 0) {
        fputs(help_help, stdout);
    } else if (strcmp(c, "version") == 0 || strcmp(c, "--version") == 0) {
        fputs(version_help, stdout);
    } else {
        fprintf(stderr, "bce help: unknown command '%s'\n"
                        "try 'bce --help'\n", bce_tool_esc(c, BCE_TOOL_ESC_NAME));
        return BCE_EXIT_USAGE;
    }
    return BCE_EXIT_OK;
}

static int finish(int status)
{
    /* A failed write (e.g. a full disk) must not exit 0. */
    errno = 0;
    int flushed = fflush(stdout) == 0, e = errno;
    if (!flushed || ferror(stdout)) {
        /* the reason is known when the final flush fails (it does when
         * the output fits the buffer); an earlier failed write left only
         * the error flag */
        bce_tool_io_error("", "<stdout>", "write error", flushed ? 0 : e);
        return BCE_EXIT_USAGE;
    }
    return status;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(bce_tool_help(main_help), stderr);
        return BCE_EXIT_USAGE;
    }
    const char *c = argv[1];
    int status;
    if (strcmp(c, "--help") == 0 || strcmp(c, "-h") == 0) {
        fputs(bce_tool_help(main_help), stdout);
        status = BCE_EXIT_OK;
    } else if (strcmp(c, "--version") == 0 || strcmp(c, "-V") == 0 ||
               strcmp(c, "version") == 0) {
        status = cmd_version();
    } else if (strcmp(c, "help") == 0) {
        status = cmd_help(argc - 1, argv + 1);
    } else if (strcmp(c, "eval") == 0) {
        status = bce_tool_eval(argc - 1, argv + 1);
    } else if (strcmp(c, "verify") == 0) {
        status = run_verify(argc - 1, argv + 1);
    } else if (strcmp(c, "gradcheck") == 0) {
        status = bce_tool_gradcheck(argc - 1, argv + 1);
    } else if (strcmp(c, "isa") == 0) {
        status = cmd_isa(argc - 1, argv + 1);
    } else if (strcmp(c, "exhaustive") == 0) {
        status = bce_tool_exhaustive(argc - 1, argv + 1);
    } else if (strcmp(c, "exhaustive-merge") == 0) {
        status = bce_tool_exhaustive_merge(argc - 1, argv + 1);
    } else if (strcmp(c, "vectors") == 0) {
        status = bce_tool_vectors(argc - 1, argv + 1);
    } else if (strcmp(c, "compare") == 0) {
        status = bce_tool_compare(argc - 1, argv + 1);
    } else if (strcmp(c, "check") == 0) {
        status = bce_tool_check(argc - 1, argv + 1);
    } else {
        fprintf(stderr, "bce: unknown command '%s'\n"
                        "try 'bce --help'\n", bce_tool_esc(c, BCE_TOOL_ESC_NAME));
        return BCE_EXIT_USAGE;
    }
    return finish(status);
}
