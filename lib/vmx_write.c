/* Serialise a vmx_config: every line's bytes (original, or rebuilt by an
 * edit) followed by its own line end, so an unmodified parse comes back byte
 * for byte.
 *
 * The reader takes EF BB BF at the very start of a file for a byte order mark
 * and skips it. A line that starts with those bytes (a key beginning with
 * U+FEFF) can only be the first line after an edit (a parse would have taken
 * them for the mark); written as it is, it would lose them on the next read.
 * So a config without a mark whose first line starts with EF BB BF gets a
 * mark in front: the file reads back as it was, here and in VMware, which
 * skips the mark the same way. */
#include "config.h"
#include "vmx_config_private.h"

#include <string.h>

static size_t eol_len(uint8_t eol)
{
    return eol == VMX_EOL_CRLF ? 2 : eol == VMX_EOL_LF ? 1 : 0;
}

static const char bom[3] = {'\xEF', '\xBB', '\xBF'};

/* Does the output need a byte order mark in front? */
static bool write_bom(const vmx_config *cfg)
{
    return cfg->bom || (cfg->nlines && cfg->lines[0].raw_len >= 3 &&
                        memcmp(cfg->lines[0].raw, bom, 3) == 0);
}

int vmx_config_write(char **out, size_t *len, const vmx_config *cfg, vmx_error *err)
{
    bool mark = write_bom(cfg);
    size_t total = mark ? 3 : 0, i, alloc;
    char *buf, *p;

    *out = NULL;
    if (len)
        *len = 0;
    for (i = 0; i < cfg->nlines; i++) {
        const vmx_line *l = &cfg->lines[i];

        if (__builtin_add_overflow(total, (size_t)l->raw_len + eol_len(l->eol), &total))
            return vmx_error_set(err, VMX_ELIMIT, cfg->source, 0, NULL,
                                 "output too large");
    }
    if (__builtin_add_overflow(total, 1, &alloc))
        return vmx_error_set(err, VMX_ELIMIT, cfg->source, 0, NULL, "output too large");
    if (!(buf = vmx__malloc(alloc)))
        return vmx_error_set(err, VMX_ENOMEM, cfg->source, 0, NULL, "out of memory");
    p = buf;
    if (mark) {
        memcpy(p, bom, 3);
        p += 3;
    }
    for (i = 0; i < cfg->nlines; i++) {
        const vmx_line *l = &cfg->lines[i];

        if (l->raw_len) {
            memcpy(p, l->raw, l->raw_len);
            p += l->raw_len;
        }
        if (l->eol == VMX_EOL_CRLF)
            *p++ = '\r';
        if (l->eol != VMX_EOL_NONE)
            *p++ = '\n';
    }
    *p = '\0';
    *out = buf;
    if (len)
        *len = total;
    return 0;
}
