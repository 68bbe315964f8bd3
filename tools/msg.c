/*
 * msg.c -- how the `bce` tool names inputs and echoes user text in its
 * messages (tool.h): standard input is "<stdin>" everywhere, user text is
 * escaped and capped, I/O errors name the file and strerror(errno).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tool.h"

/* Rotating buffers, so that one message can hold several escaped strings.
 * Thread-local: `bce exhaustive` runs worker threads. */
#define ESC_BUFS 8
#define ESC_SIZE (4 * BCE_TOOL_ESC_NAME + 8)

/* Length of a well-formed UTF-8 sequence at s (at most n bytes) encoding a
 * printable character, or 0: C1 controls, U+2028/9 (line breaks) and the
 * bidirectional controls U+202A..E, U+2066..9 are not printable here. */
static size_t utf8_printable(const unsigned char *s, size_t n)
{
    size_t len;
    unsigned cp;
    if (s[0] >= 0xc2 && s[0] <= 0xdf) {
        len = 2;
        cp = s[0] & 0x1fu;
    } else if (s[0] >= 0xe0 && s[0] <= 0xef) {
        len = 3;
        cp = s[0] & 0x0fu;
    } else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
        len = 4;
        cp = s[0] & 0x07u;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0u) != 0x80u)
            return 0;
        cp = cp << 6 | (s[i] & 0x3fu);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;                                  /* overlong or too large */
    if ((cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0 || cp == 0x2028 || cp == 0x2029 ||
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
        return 0;
    return len;
}

const char *bce_tool_escn(const char *s, size_t n, size_t max)
{
    static _Thread_local char bufs[ESC_BUFS][ESC_SIZE];
    static _Thread_local unsigned next;
    char *out = bufs[next++ % ESC_BUFS], *o = out;
    const unsigned char *p = (const unsigned char *)s;
    if (s == NULL)
        return "(null)";
    if (max > BCE_TOOL_ESC_NAME)
        max = BCE_TOOL_ESC_NAME;
    size_t i = 0;
    while (i < n && i < max) {
        unsigned char c = p[i];
        size_t u = 0;
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            *o++ = (char)c;
            i++;
        } else if (c == '\\') {
            *o++ = '\\';
            *o++ = '\\';
            i++;
        } else if (c >= 0x80 && (u = utf8_printable(p + i, n - i)) != 0 && i + u <= max) {
            memcpy(o, p + i, u);
            o += u;
            i += u;
        } else if (c >= 0x80 && u != 0) {
            break;                      /* a character cut by the cap */
        } else if (c == '\t' || c == '\n' || c == '\r') {
            *o++ = '\\';
            *o++ = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
            i++;
        } else {
            o += sprintf(o, "\\x%02x", c);
            i++;
        }
    }
    if (i < n)
        memcpy(o, "...", 3), o += 3;
    *o = '\0';
    return out;
}

const char *bce_tool_esc(const char *s, size_t max)
{
    return s == NULL ? "(null)" : bce_tool_escn(s, strlen(s), max);
}

const char *bce_tool_input_name(const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0)
        return BCE_TOOL_STDIN_NAME;
    return bce_tool_esc(path, BCE_TOOL_ESC_NAME);
}

void bce_tool_io_error(const char *cmd, const char *name, const char *what, int err)
{
    fprintf(stderr, "bce%s%s: %s: %s%s%s\n", *cmd ? " " : "", cmd, name, what,
            err ? ": " : "", err ? strerror(err) : "");
}
