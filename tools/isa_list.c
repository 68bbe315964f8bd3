/*
 * isa_list.c -- the ISA names in the `bce` tool's help texts and messages,
 * taken from the library's registry (bce_isa_count / bce_isa_name) at run
 * time: the tool never writes a list of ISAs of its own.
 */
#include <stdlib.h>
#include <string.h>

#include "bce.h"
#include "tool.h"

#define ISA_MARK "@ISAS@"

const char *bce_tool_isa_list(void)
{
    static char *list;                 /* built once; the tool is short-lived */
    if (list)
        return list;
    size_t n = 1;
    for (size_t i = 0; i < bce_isa_count(); i++)
        n += strlen(bce_isa_name(i)) + 2;
    char *s = malloc(n);
    if (!s)
        return "(out of memory)";
    s[0] = '\0';
    for (size_t i = 0; i < bce_isa_count(); i++) {
        if (i)
            strcat(s, ", ");
        strcat(s, bce_isa_name(i));
    }
    list = s;
    return list;
}

/* The expanded help texts, one per template, kept (reachable, so that a
 * leak checker sees no leak) for the life of the tool. */
static struct { const char *tmpl; char *text; } help_cache[32];

const char *bce_tool_help(const char *tmpl)
{
    for (size_t i = 0; i < sizeof help_cache / sizeof help_cache[0]; i++)
        if (help_cache[i].tmpl == tmpl) return help_cache[i].text;
    const char *names = bce_tool_isa_list();
    size_t marks = 0;
    for (const char *p = tmpl; (p = strstr(p, ISA_MARK)); p += strlen(ISA_MARK))
        marks++;
    if (marks == 0)
        return tmpl;
    char *out = malloc(strlen(tmpl) + marks * strlen(names) + 1);
    if (!out)
        return tmpl;
    char *w = out;
    for (const char *p = tmpl;;) {
        const char *m = strstr(p, ISA_MARK);
        size_t k = m ? (size_t)(m - p) : strlen(p);
        memcpy(w, p, k);
        w += k;
        if (!m)
            break;
        memcpy(w, names, strlen(names));
        w += strlen(names);
        p = m + strlen(ISA_MARK);
    }
    *w = '\0';
    for (size_t i = 0; i < sizeof help_cache / sizeof help_cache[0]; i++)
        if (!help_cache[i].tmpl) {
            help_cache[i].tmpl = tmpl;
            help_cache[i].text = out;
            return out;
        }
    return out;        /* (more than 32 templates: not kept; there are 6) */
}
