/* Round trips (vmxkit/roundtrip.h, `vmxkit roundtrip`).
 *
 * Corpus tests: every VMX file of testdata/wild, testdata/libvirt/vmx2xml
 * and testdata/vmx2xml-extra that converts must round-trip cleanly in
 * lossless mode (VMX -> XML -> VMX gives its (key, value) pairs back, and
 * VMX -> XML -> VMX -> XML is a fixpoint), and the default-mode fixpoint must
 * hold too. The files where it does not are listed below, each with its
 * reason and a text the report must show, so that a list that goes stale
 * fails as well. Then the semantic rules of the key comparison, the XML
 * check, and the command line. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmxkit/vmxkit.h"

#include "cli_run.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Exported for tests by lib/util.c: make the Nth allocation fail. */
void vmx__alloc_fail_after(long n);

/* ---- why a round trip does not hold ---- */

typedef struct reason {
    const char *why;
    const char *shows; /* a text of the report: message, line or value */
} reason;

/* The default (libvirt-compatible) mode reproduces libvirt 9.0 in both
 * directions where libvirt accepts the input. Where libvirt's XML -> VMX
 * refuses a domain (SATA disks, null serial ports, raw images, ...), vmxkit
 * writes it as the VMX reader reads it back (doc/convert.md, "Beyond
 * libvirt"), so the fixpoint holds. What remains is what libvirt accepts
 * and writes back otherwise (its text binds vmxkit's), and what libvirt's
 * reader itself loses. */
/* (a file without displayName gives libvirt's XML without <name>, which
 * libvirt's XML parser refuses and vmxkit reads back unless strict) */
static const reason SCSI_64_NAME = {
    "the 64-unit SCSI bus of virtualHW 13+: libvirt names the disk of scsiC:U as on "
    "the 15-unit bus, a name that several (C, U) give, and its address does not say "
    "which",
    "unit='42'"};
static const reason SCSI_64_DUP = {
    "the 64-unit SCSI bus of virtualHW 13+ gives two disks "
    "the same target name and address",
    "duplicate"};
static const reason ZERO_MAC = {"no MAC address: libvirt prints 00:00:00:00:00:00, which "
                                "its writer writes as a static address",
                                "00:00:00:00:00:00' type='static' check='no'"};
static const reason GENID = {"libvirt's VMX writer does not write vm.genid (vmxkit "
                             "writes it where libvirt refuses the domain)",
                             "<genid>"};
static const reason SCSI_MODEL = {
    "a SCSI controller without disks: libvirt does not write "
    "its model",
    "<controller type='scsi' index='1'/>"};
static const reason VRAM = {"svga.vramSize below 64 KiB: libvirt writes it rounded up",
                            "vram='64'"};
static const reason CDROM_BLOCK = {
    "an empty raw CD-ROM: libvirt's XML reader turns a block "
    "disk without source into a file disk",
    "<disk type='file' device='cdrom'>"};
static const reason DATACENTER = {"<vmware:datacenterpath> is not part of the VMX file",
                                  "datacenterpath"};
typedef struct exception {
    const char *file; /* under testdata */
    const reason *reason;
} exception;

/* VMX files that do not convert at all: four deliberately malformed files
 * and a fully encrypted configuration. */
static const char *const not_converted[] = {
    "wild/policehon__Windows_10_x64_encrypted.vmx", "wild/vmconfig__fail-1.vmx",
    "wild/vmconfig__fail-2.vmx", "wild/vmconfig__fail-3.vmx",
    "wild/vmconfig__fail-4.vmx"};

/* Lossless mode: not clean. None: every file that converts is clean
 * (syntax-variants.vmx too: lossless mode reads the lines VMware skips as
 * VMware does). Add { file, &reason } entries and raise the count when a
 * file cannot be. */
static const exception lossless_exceptions[] = {{"", NULL}};
#define N_LOSSLESS_EXCEPTIONS ((size_t)0)

/* Default mode: VMX -> XML -> VMX -> XML is no fixpoint. */
static const exception default_exceptions[] = {
    {"libvirt/vmx2xml/cdrom-ide-empty-2.vmx", &CDROM_BLOCK},
    {"vmx2xml-extra/case-insensitive-keys.vmx", &ZERO_MAC},
    {"vmx2xml-extra/crlf-line-ends.vmx", &ZERO_MAC},
    {"vmx2xml-extra/genid-one-half.vmx", &GENID},
    {"vmx2xml-extra/genid.vmx", &GENID},
    {"vmx2xml-extra/kitchen-sink.vmx", &GENID},
    {"vmx2xml-extra/nic-connection-types.vmx", &ZERO_MAC},
    {"vmx2xml-extra/nic-sparse-indices.vmx", &ZERO_MAC},
    {"vmx2xml-extra/nic-vds-and-null.vmx", &ZERO_MAC},
    {"vmx2xml-extra/scsi-controller-gap.vmx", &SCSI_MODEL},
    {"vmx2xml-extra/scsi-superwide-late-controller.vmx", &SCSI_64_NAME},
    {"vmx2xml-extra/scsi-superwide.vmx", &SCSI_64_DUP},
    {"vmx2xml-extra/svga-small.vmx", &VRAM},
    {"wild/follenbest__Windows_10_x64.vmx", &GENID},
    /* libvirt rejects the VMX file, but not the XML vmxkit makes of it */
    {"wild/govix__a.vmx", &ZERO_MAC},
    {"wild/virtmanager__test-nodisks.vmx", &ZERO_MAC},
    {"wild/virtmanager__test1.vmx", &ZERO_MAC},
    {"wild/virtv2v__test-i-vmx-5.vmx", &GENID},
};

/* libvirt's own XML (default mode): XML -> VMX -> XML is no fixpoint. */
static const exception xml_exceptions[] = {
    {"libvirt/vmx2xml/cdrom-ide-empty-2.xml", &CDROM_BLOCK},
    {"libvirt/vmx2xml/datacenterpath.xml", &DATACENTER},
    {"vmx2xml-extra/case-insensitive-keys.xml", &ZERO_MAC},
    {"vmx2xml-extra/crlf-line-ends.xml", &ZERO_MAC},
    {"vmx2xml-extra/genid-one-half.xml", &GENID},
    {"vmx2xml-extra/genid.xml", &GENID},
    {"vmx2xml-extra/kitchen-sink.xml", &GENID},
    {"vmx2xml-extra/nic-connection-types.xml", &ZERO_MAC},
    {"vmx2xml-extra/nic-sparse-indices.xml", &ZERO_MAC},
    {"vmx2xml-extra/nic-vds-and-null.xml", &ZERO_MAC},
    {"vmx2xml-extra/scsi-controller-gap.xml", &SCSI_MODEL},
    {"vmx2xml-extra/scsi-superwide-late-controller.xml", &SCSI_64_NAME},
    {"vmx2xml-extra/svga-small.xml", &VRAM},
    {"wild/libvirt-xml/follenbest__Windows_10_x64.xml", &GENID},
    {"wild/libvirt-xml/virtmanager__test-nodisks.xml", &ZERO_MAC},
    {"wild/libvirt-xml/virtmanager__test1.xml", &ZERO_MAC},
};

/* libvirt's XML without <name> (its own schema rejects it), and with two
 * disks of one target (SCSI_64_DUP): not read, as libvirt does not. */
static const char *const xml_not_converted[] = {"vmx2xml-extra/scsi-superwide.xml"};

/* ---- helpers ---- */

/* The files of testdata/@dir ending in @ext, sorted; "dir/name" each. */
static size_t list_files(char ***out, const char *dir, const char *ext)
{
    char path[512];
    struct dirent **ents = NULL;
    size_t n = 0, i;
    char **v;
    int k;

    snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, dir);
    k = scandir(path, &ents, NULL, alphasort);
    cr_assert_geq(k, 0, "cannot list %s", path);
    v = calloc((size_t)k + 1, sizeof(*v));
    cr_assert(v);
    for (i = 0; i < (size_t)k; i++) {
        const char *name = ents[i]->d_name;
        size_t len = strlen(name), el = strlen(ext);

        if (len > el && strcmp(name + len - el, ext) == 0) {
            size_t size = strlen(dir) + len + 2;

            v[n] = malloc(size);
            cr_assert(v[n]);
            snprintf(v[n], size, "%s/%s", dir, name);
            n++;
        }
        free(ents[i]);
    }
    free(ents);
    *out = v;
    return n;
}

static void free_list(char **v, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static const exception *find_exception(const exception *list, size_t n, const char *file)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(list[i].file, file) == 0)
            return &list[i];
    return NULL;
}

static bool in_list(const char *const *list, size_t n, const char *file)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (strcmp(list[i], file) == 0)
            return true;
    return false;
}

static int check(vmx_roundtrip **rt, const char *file, vmx_format fmt, bool lossless,
                 vmx_error *err)
{
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    char path[512];

    o.flags = lossless ? VMX_CONVERT_LOSSLESS : 0;
    snprintf(path, sizeof(path), "%s/%s", TESTDATA_DIR, file);
    return vmx_roundtrip_check_file(rt, path, fmt, &o, err);
}

/* Whether a finding of @check in the given mode shows @text. */
static bool report_shows(const vmx_roundtrip *rt, vmx_roundtrip_check_id check_id,
                         bool lossless, const char *text)
{
    size_t i;

    for (i = 0; i < vmx_roundtrip_count(rt); i++) {
        const vmx_roundtrip_finding *f = vmx_roundtrip_get(rt, i);

        if (f->check != check_id || f->lossless != lossless)
            continue;
        if ((f->message && strstr(f->message, text)) ||
            (f->before && strstr(f->before, text)) ||
            (f->after && strstr(f->after, text)))
            return true;
    }
    return false;
}

/* Log the first findings of a file that should have been clean. */
static void log_findings(const char *file, const vmx_roundtrip *rt, bool lossless)
{
    size_t i, shown = 0;

    for (i = 0; i < vmx_roundtrip_count(rt) && shown < 5; i++) {
        const vmx_roundtrip_finding *f = vmx_roundtrip_get(rt, i);

        if (f->lossless != lossless)
            continue;
        shown++;
        cr_log_error("%s: %s %s %s [%s] '%s' -> '%s' %s", file,
                     vmx_roundtrip_check_name(f->check),
                     lossless ? "lossless" : "default", vmx_roundtrip_kind_name(f->kind),
                     f->key ? f->key : "", f->before ? f->before : "",
                     f->after ? f->after : "", f->message ? f->message : "");
    }
}

static const char *const vmx_dirs[] = {"wild", "libvirt/vmx2xml", "vmx2xml-extra"};

/* ---- corpus tests ---- */

Test(roundtrip, vmx_corpora_lossless_clean)
{
    size_t d, i, total = 0, converted = 0, clean = 0, bad = 0, excused = 0;

    for (d = 0; d < ARRAY_SIZE(vmx_dirs); d++) {
        char **files;
        size_t n = list_files(&files, vmx_dirs[d], ".vmx");

        for (i = 0; i < n; i++) {
            const exception *ex = find_exception(
                lossless_exceptions, N_LOSSLESS_EXCEPTIONS, files[i]);
            vmx_error err = VMX_ERROR_INIT;
            vmx_roundtrip *rt = NULL;
            int rc = check(&rt, files[i], VMX_FORMAT_VMX, true, &err);
            bool ok;

            total++;
            if (rc < 0) {
                if (!in_list(not_converted, ARRAY_SIZE(not_converted), files[i])) {
                    cr_log_error("%s: does not convert: %s", files[i], err.message);
                    bad++;
                }
                continue;
            }
            converted++;
            ok = vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, true) &&
                 vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true);
            if (ok && !ex) {
                clean++;
            } else if (!ok && ex &&
                       !report_shows(rt, VMX_ROUNDTRIP_KEYS, true, ex->reason->shows) &&
                       !report_shows(rt, VMX_ROUNDTRIP_FIXPOINT, true,
                                     ex->reason->shows)) {
                cr_log_error("%s: not clean, but not for its listed reason (%s)",
                             files[i], ex->reason->why);
                log_findings(files[i], rt, true);
                bad++;
            } else if (!ok && ex) {
                excused++;
            } else if (ok) {
                cr_log_error("%s: clean now: remove it from the exceptions", files[i]);
                bad++;
            } else {
                log_findings(files[i], rt, true);
                bad++;
            }
            vmx_roundtrip_free(rt);
        }
        free_list(files, n);
    }
    cr_assert_eq(bad, 0, "%zu files misbehave (see the log)", bad);
    cr_assert_eq(total, 217);
    cr_assert_eq(converted, 212);
    cr_assert_eq(converted, total - ARRAY_SIZE(not_converted));
    cr_assert_eq(excused, N_LOSSLESS_EXCEPTIONS);
    cr_assert_eq(clean, 212);
    cr_assert_eq(clean, converted - N_LOSSLESS_EXCEPTIONS);
}

Test(roundtrip, vmx_corpora_default_fixpoint)
{
    size_t d, i, fixpoints = 0, bad = 0, excused = 0;

    for (d = 0; d < ARRAY_SIZE(vmx_dirs); d++) {
        char **files;
        size_t n = list_files(&files, vmx_dirs[d], ".vmx");

        for (i = 0; i < n; i++) {
            const exception *ex = find_exception(
                default_exceptions, ARRAY_SIZE(default_exceptions), files[i]);
            vmx_error err = VMX_ERROR_INIT;
            vmx_roundtrip *rt = NULL;
            bool ok;

            if (check(&rt, files[i], VMX_FORMAT_VMX, false, &err) < 0) {
                cr_expect(in_list(not_converted, ARRAY_SIZE(not_converted), files[i]),
                          "%s: does not convert in default mode: %s", files[i],
                          err.message);
                continue;
            }
            ok = vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false);
            if (ok && !ex) {
                fixpoints++;
            } else if (ok) {
                cr_log_error("%s: a fixpoint now: remove it from the exceptions",
                             files[i]);
                bad++;
            } else if (!ex || !report_shows(rt, VMX_ROUNDTRIP_FIXPOINT, false,
                                            ex->reason->shows)) {
                cr_log_error("%s: no fixpoint in default mode%s%s", files[i],
                             ex ? ", not for its listed reason: " : "",
                             ex ? ex->reason->why : "");
                log_findings(files[i], rt, false);
                bad++;
            } else {
                excused++;
            }
            vmx_roundtrip_free(rt);
        }
        free_list(files, n);
    }
    cr_assert_eq(bad, 0, "%zu files misbehave (see the log)", bad);
    cr_assert_eq(excused, ARRAY_SIZE(default_exceptions));
    cr_assert_eq(fixpoints, 212 - ARRAY_SIZE(default_exceptions));
}

Test(roundtrip, libvirt_xml_default_fixpoint)
{
    static const char *const dirs[] = {"wild/libvirt-xml", "libvirt/vmx2xml",
                                       "vmx2xml-extra"};
    size_t d, i, total = 0, fixpoints = 0, bad = 0, excused = 0;

    for (d = 0; d < ARRAY_SIZE(dirs); d++) {
        char **files;
        size_t n = list_files(&files, dirs[d], ".xml");

        for (i = 0; i < n; i++) {
            const exception *ex =
                find_exception(xml_exceptions, ARRAY_SIZE(xml_exceptions), files[i]);
            vmx_error err = VMX_ERROR_INIT;
            vmx_roundtrip *rt = NULL;
            bool ok;

            total++;
            if (check(&rt, files[i], VMX_FORMAT_XML, false, &err) < 0) {
                if (!in_list(xml_not_converted, ARRAY_SIZE(xml_not_converted),
                             files[i])) {
                    cr_log_error("%s: not read: %s", files[i], err.message);
                    bad++;
                }
                continue;
            }
            ok = vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false);
            if (ok && !ex)
                fixpoints++;
            else if (!ok && ex &&
                     report_shows(rt, VMX_ROUNDTRIP_FIXPOINT, false, ex->reason->shows))
                excused++;
            else {
                cr_log_error("%s: %s", files[i],
                             ok ? "a fixpoint now: remove it from the exceptions"
                                : "no fixpoint (or not for its listed reason)");
                log_findings(files[i], rt, false);
                bad++;
            }
            vmx_roundtrip_free(rt);
        }
        free_list(files, n);
    }
    cr_assert_eq(bad, 0, "%zu files misbehave (see the log)", bad);
    cr_assert_eq(total, 34 + 72 + 60);
    cr_assert_eq(excused, ARRAY_SIZE(xml_exceptions));
    cr_assert_eq(fixpoints,
                 total - ARRAY_SIZE(xml_exceptions) - ARRAY_SIZE(xml_not_converted));
}

/* ---- the key comparison ---- */

static const char base_vmx[] = "config.version = \"8\"\n"
                               "virtualHW.version = \"4\"\n"
                               "displayName = \"t\"\n"
                               "memsize = \"512\"\n"
                               "numvcpus = \"1\"\n"
                               "guestOS = \"other\"\n"
                               "floppy0.present = \"false\"\n"
                               "floppy1.present = \"false\"\n"
                               "svga.vramSize = \"4194304\"\n"
                               "uuid.action = \"create\"\n";

/* Check @extra appended to the base file with @flags. */
static vmx_roundtrip *check_text(const char *extra, unsigned int flags)
{
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = NULL;
    char buf[4096];
    int n = snprintf(buf, sizeof(buf), "%s%s", base_vmx, extra);

    cr_assert(n > 0 && (size_t)n < sizeof(buf));
    o.flags = flags;
    cr_assert_eq(
        vmx_roundtrip_check(&rt, buf, (size_t)n, "t.vmx", VMX_FORMAT_VMX, &o, &err), 0,
        "%s", err.message);
    cr_assert(rt);
    cr_assert_eq(vmx_roundtrip_format(rt), VMX_FORMAT_VMX);
    return rt;
}

/* The findings of the keys check, one line each: "kind key 'before' 'after'". */
static void keys_summary(char *out, size_t size, const vmx_roundtrip *rt)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < vmx_roundtrip_count(rt); i++) {
        const vmx_roundtrip_finding *f = vmx_roundtrip_get(rt, i);
        int n;

        if (f->check != VMX_ROUNDTRIP_KEYS)
            continue;
        n = snprintf(out + used, size - used, "%s %s '%s' '%s' %lu\n",
                     vmx_roundtrip_kind_name(f->kind), f->key ? f->key : "",
                     f->before ? f->before : "", f->after ? f->after : "", f->line);
        cr_assert(n > 0 && (size_t)n < size - used);
        used += (size_t)n;
    }
}

Test(roundtrip, base_file_is_clean_in_both_modes)
{
    vmx_roundtrip *rt = check_text("", VMX_ROUNDTRIP_BOTH_MODES);

    cr_assert_eq(vmx_roundtrip_count(rt), 0);
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, false));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    /* the keys check ran in the selected (default) mode only */
    cr_assert(vmx_roundtrip_checked(rt, VMX_ROUNDTRIP_KEYS, false));
    cr_assert_not(vmx_roundtrip_checked(rt, VMX_ROUNDTRIP_KEYS, true));
    cr_assert_not(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, true));
    vmx_roundtrip_free(rt);

    rt = check_text("", VMX_CONVERT_LOSSLESS);
    cr_assert_eq(vmx_roundtrip_count(rt), 0);
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, true));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    cr_assert_not(vmx_roundtrip_checked(rt, VMX_ROUNDTRIP_FIXPOINT, false));
    vmx_roundtrip_free(rt);
}

Test(roundtrip, values_equal_in_meaning_are_not_reported)
{
    /* libvirt writes booleans in lowercase, UUIDs and MACs in its own
     * format, decimal numbers without leading zeros, virtualDev in
     * lowercase, and percent-escapes '/' in displayName; the input is
     * windows-1252 (the comparison is in UTF-8) */
    vmx_roundtrip *rt =
        check_text(".encoding = \"windows-1252\"\n"
                   "uuid.bios = \"56 4D 9B 34 12 DE 3F 48-80 7B 2C 3A 41 D0 11 5A\"\n"
                   "scsi0.present = \"TRUE\"\n"
                   "scsi0.virtualDev = \"LsiLogic\"\n"
                   "scsi0:0.present = \"TRUE\"\n"
                   "scsi0:0.deviceType = \"scsi-hardDisk\"\n"
                   "scsi0:0.fileName = \"/vmfs/volumes/ds/t/t.vmdk\"\n"
                   "ethernet0.present = \"True\"\n"
                   "ethernet0.virtualDev = \"E1000\"\n"
                   "ethernet0.networkName = \"VM Network\"\n"
                   "ethernet0.connectionType = \"bridged\"\n"
                   "ethernet0.addressType = \"static\"\n"
                   "ethernet0.address = \"00:50:56:0A:0B:0C\"\n"
                   "sched.cpu.shares = \"0100\"\n",
                   0);
    char s[2048];

    keys_summary(s, sizeof(s), rt);
    /* uuid.action and displayName are no longer the same: reported */
    cr_assert_str_eq(s, "lost uuid.action 'create' '' 10\n");
    vmx_roundtrip_free(rt);
}

Test(roundtrip, default_mode_reports_lost_added_and_changed_keys)
{
    vmx_roundtrip *rt = check_text("usb.present = \"TRUE\"\n"
                                   "scsi0.present = \"TRUE\"\n",
                                   0);
    char s[2048];

    keys_summary(s, sizeof(s), rt);
    /* no SCSI disk, so libvirt writes no controller; USB is dropped */
    cr_assert_str_eq(s, "lost scsi0.present 'TRUE' '' 12\n"
                        "lost usb.present 'TRUE' '' 11\n");
    vmx_roundtrip_free(rt);

    rt = check_text("guestOS = \"winNetStandard\"\nmemsize = \"1001\"\n", 0);
    keys_summary(s, sizeof(s), rt);
    /* duplicates: libvirt reads the first, writes one; memsize is rounded
     * up to 4 MiB, which changes the value */
    cr_assert_str_eq(s, "lost guestos 'winNetStandard' '' 11\n"
                        "lost memsize '1001' '' 12\n");
    vmx_roundtrip_free(rt);

    rt = check_text("sched.mem.max = \"256\"\nmemsize = \"1000\"\n", 0);
    keys_summary(s, sizeof(s), rt);
    cr_assert_str_eq(s, "lost memsize '1000' '' 12\n");
    vmx_roundtrip_free(rt);
}

Test(roundtrip, lossless_mode_keeps_what_libvirt_drops)
{
    vmx_roundtrip *rt = check_text("usb.present = \"TRUE\"\n"
                                   "ehci.present = \"TRUE\"\n"
                                   "sound.present = \"TRUE\"\n"
                                   "sound.virtualDev = \"hdaudio\"\n"
                                   "vtpm.present = \"TRUE\"\n"
                                   "firmware = \"efi\"\n"
                                   "uefi.secureBoot.enabled = \"TRUE\"\n"
                                   "sata0.present = \"TRUE\"\n"
                                   "sata0:1.present = \"TRUE\"\n"
                                   "sata0:1.fileName = \"/vmfs/volumes/ds/t/d.vmdk\"\n"
                                   "nvme0.present = \"TRUE\"\n"
                                   "nvme0:0.present = \"TRUE\"\n"
                                   "nvme0:0.fileName = \"/vmfs/volumes/ds/t/n.vmdk\"\n"
                                   "tools.syncTime = \"FALSE\"\n"
                                   "annotation = \"a|0Ab |7c c\"\n"
                                   "memsize = \"1001\"\n",
                                   VMX_CONVERT_LOSSLESS);

    cr_assert_eq(vmx_roundtrip_count(rt), 0, "%s",
                 vmx_roundtrip_count(rt) ? vmx_roundtrip_get(rt, 0)->message : "");
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, true));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    vmx_roundtrip_free(rt);
}

Test(roundtrip, failed_steps_are_error_findings)
{
    /* strict: libvirt's writer refuses a SATA disk (the default mode writes
     * it, lossless mode too) */
    static const char text[] = "config.version = \"8\"\nvirtualHW.version = \"10\"\n"
                               "displayName = \"t\"\nmemsize = \"512\"\n"
                               "sata0.present = \"TRUE\"\nsata0:0.present = \"TRUE\"\n"
                               "sata0:0.fileName = \"a.vmdk\"\n";
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = NULL;
    const vmx_roundtrip_finding *f;

    o.flags = VMX_ROUNDTRIP_BOTH_MODES | VMX_CONVERT_STRICT;
    cr_assert_eq(vmx_roundtrip_check(&rt, text, sizeof(text) - 1, "t.vmx", VMX_FORMAT_VMX,
                                     &o, &err),
                 0, "%s", err.message);
    f = vmx_roundtrip_get(rt, 0);
    cr_assert(f);
    cr_assert_eq(f->check, VMX_ROUNDTRIP_KEYS);
    cr_assert_eq(f->kind, VMX_ROUNDTRIP_ERROR);
    cr_assert_not(f->lossless);
    cr_assert_str_eq(f->message, "xml -> vmx: unsupported bus type 'sata' for disk 'sda'");
    cr_assert_str_eq(f->key, "devices/disk/target");
    cr_assert_not(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, false));
    cr_assert_not(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    vmx_roundtrip_free(rt);
}

Test(roundtrip, default_mode_fixpoint_beyond_libvirt)
{
    /* what libvirt's XML -> VMX refuses (a SATA disk, a thinprint port) is
     * written as the VMX reader reads it; libvirt's unbracketed IPv6 serial
     * URI reads back; a CR in the annotation is a line end to XML */
    static const char extra[] = "sata0.present = \"TRUE\"\n"
                                "sata0:0.present = \"TRUE\"\n"
                                "sata0:0.fileName = \"/vmfs/volumes/ds/t/d.vmdk\"\n"
                                "serial0.present = \"TRUE\"\n"
                                "serial0.fileType = \"thinprint\"\n"
                                "serial1.present = \"TRUE\"\n"
                                "serial1.fileType = \"network\"\n"
                                "serial1.fileName = \"tcp://fe80::1:1003\"\n"
                                "annotation = \"a|0D|0Ab\"\n";
    vmx_convert_options opts = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = check_text(extra, VMX_ROUNDTRIP_BOTH_MODES);
    vmx_config *cfg = NULL;
    vmx_domain *dom = NULL;
    char buf[1024];

    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false));
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    vmx_roundtrip_free(rt);

    snprintf(buf, sizeof(buf), "%s%s", base_vmx, extra);
    cr_assert_eq(vmx_config_parse(&cfg, buf, strlen(buf), "t.vmx", NULL, &err), 0);
    cr_assert_eq(vmx_domain_from_vmx(&dom, cfg, &opts, &err), 0, "%s", err.message);
    cr_assert_eq(dom->nserials, 2);
    cr_assert_eq(dom->serials[0].type, VMX_CHR_THINPRINT); /* XML: a null port */
    cr_assert_eq(dom->serials[1].type, VMX_CHR_TCP);
    cr_assert_str_eq(dom->serials[1].host, "fe80::1");
    cr_assert_str_eq(dom->serials[1].service, "1003");
    cr_assert_str_eq(dom->description, "a\r\nb");
    vmx_domain_free(dom);
    vmx_config_free(cfg);
}

Test(roundtrip, unconvertible_input_is_an_error_with_line_and_key)
{
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = (vmx_roundtrip *)&o; /* must be reset */
    static const char text[] = "config.version = \"8\"\nvirtualHW.version = \"x\n";

    cr_assert_eq(vmx_roundtrip_check(&rt, text, sizeof(text) - 1, "bad.vmx",
                                     VMX_FORMAT_VMX, &o, &err),
                 VMX_EPARSE);
    cr_assert_null(rt);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.source, "bad.vmx");
    cr_assert_str_eq(err.message, "unterminated quoted value");

    vmx_error_clear(&err);
    cr_assert_eq(vmx_roundtrip_check(&rt, "x", 1, NULL, VMX_FORMAT_YAML, NULL, &err),
                 VMX_EINVAL);
    cr_assert_str_eq(err.message, "round trips need a vmx or xml document");
    vmx_error_clear(&err);
    cr_assert_eq(vmx_roundtrip_check(NULL, "x", 1, NULL, VMX_FORMAT_VMX, NULL, &err),
                 VMX_EINVAL);
    cr_assert_eq(vmx_roundtrip_check_file(&rt, TESTDATA_DIR "/no/such.vmx",
                                          VMX_FORMAT_UNKNOWN, NULL, NULL),
                 VMX_EIO);
    cr_assert_null(rt);
}

/* ---- the XML check ---- */

static const char xml_doc[] = "<domain type='vmware'>\n"
                              "  <name>x</name>\n"
                              "  <memory unit='KiB'>1048576</memory>\n"
                              "  <os><type>hvm</type></os>\n"
                              "  <devices>\n"
                              "    <disk type='file' device='disk'>\n"
                              "      <driver name='buslogic'/>\n"
                              "      <source file='[ds] x/x.vmdk'/>\n"
                              "      <target dev='sda' bus='scsi'/>\n"
                              "    </disk>\n"
                              "    <video><model type='vmvga' vram='4096'/></video>\n"
                              "  </devices>\n"
                              "</domain>\n";

Test(roundtrip, xml_lines_lost_and_changed)
{
    vmx_roundtrip *rt = NULL;
    vmx_error err = VMX_ERROR_INIT;
    const vmx_roundtrip_finding *f;

    cr_assert_eq(vmx_roundtrip_check(&rt, xml_doc, strlen(xml_doc), "x.xml",
                                     VMX_FORMAT_XML, NULL, &err),
                 0, "%s", err.message);
    /* the legacy driver name only picks the controller model */
    cr_assert_eq(vmx_roundtrip_count(rt), 2);
    f = vmx_roundtrip_get(rt, 0);
    cr_assert_eq(f->check, VMX_ROUNDTRIP_FIXPOINT);
    cr_assert_eq(f->kind, VMX_ROUNDTRIP_LOST);
    cr_assert_str_eq(f->before, "      <driver name='buslogic'/>");
    cr_assert_null(f->after);
    cr_assert_eq(f->line, 16);
    f = vmx_roundtrip_get(rt, 1);
    cr_assert_eq(f->kind, VMX_ROUNDTRIP_CHANGED);
    cr_assert_str_eq(f->before, "    <controller type='scsi' index='0'/>");
    cr_assert_str_eq(f->after,
                     "    <controller type='scsi' index='0' model='buslogic'/>");
    cr_assert_not(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, false));
    cr_assert_not(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_KEYS, false));
    cr_assert_eq(vmx_roundtrip_format(rt), VMX_FORMAT_XML);
    vmx_roundtrip_free(rt);
}

Test(roundtrip, lossless_xml_is_a_fixpoint)
{
    vmx_convert_options co = VMX_CONVERT_OPTIONS_INIT;
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_roundtrip *rt = NULL;
    char *xml = NULL, vmx[1024];
    int n = snprintf(vmx, sizeof(vmx), "%susb_xhci.present = \"TRUE\"\n", base_vmx);

    co.flags = o.flags = VMX_CONVERT_LOSSLESS;
    cr_assert_eq(vmx_convert(&xml, NULL, vmx, (size_t)n, "t.vmx", VMX_FORMAT_VMX,
                             VMX_FORMAT_XML, &co, &err),
                 0, "%s", err.message);
    cr_assert(strstr(xml, "nec-xhci"), "%s", xml);
    cr_assert_eq(
        vmx_roundtrip_check(&rt, xml, strlen(xml), "t.xml", VMX_FORMAT_XML, &o, &err), 0,
        "%s", err.message);
    cr_assert_eq(vmx_roundtrip_count(rt), 0);
    cr_assert(vmx_roundtrip_passed(rt, VMX_ROUNDTRIP_FIXPOINT, true));
    vmx_roundtrip_free(rt);
    vmx_free(xml);
}

/* Every allocation failure gives VMX_ENOMEM and no report, until the check
 * runs through and gives the same report as without failures. */
static void alloc_loop(const char *text, vmx_format fmt, unsigned int flags)
{
    vmx_roundtrip_options o = VMX_ROUNDTRIP_OPTIONS_INIT;
    vmx_roundtrip *want = NULL;
    size_t len = strlen(text);
    long n;
    int failures = 0;

    o.flags = flags;
    cr_assert_eq(vmx_roundtrip_check(&want, text, len, "t", fmt, &o, NULL), 0);
    for (n = 1; n < 20000; n++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx_roundtrip *rt = NULL;
        int rc;

        vmx__alloc_fail_after(n);
        rc = vmx_roundtrip_check(&rt, text, len, "t", fmt, &o, &err);
        vmx__alloc_fail_after(0);
        if (rc == 0) {
            cr_assert_eq(vmx_roundtrip_count(rt), vmx_roundtrip_count(want),
                         "allocation %ld", n);
            vmx_roundtrip_free(rt);
            break;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "allocation %ld: rc %d (%s)", n, rc, err.message);
        cr_assert_eq(err.code, VMX_ENOMEM, "allocation %ld", n);
        cr_assert_null(rt);
        failures++;
    }
    cr_assert_lt(n, 20000);
    cr_assert_gt(failures, 10);
    vmx_roundtrip_free(want);
}

Test(roundtrip, allocation_failures_are_reported)
{
    char vmx[2048];

    snprintf(vmx, sizeof(vmx), "%susb.present = \"TRUE\"\nmemsize = \"1001\"\n",
             base_vmx);
    alloc_loop(vmx, VMX_FORMAT_VMX, VMX_ROUNDTRIP_BOTH_MODES);
    alloc_loop(vmx, VMX_FORMAT_VMX, VMX_CONVERT_LOSSLESS);
    alloc_loop(xml_doc, VMX_FORMAT_XML, 0);
}

Test(roundtrip, names)
{
    cr_assert_str_eq(vmx_roundtrip_kind_name(VMX_ROUNDTRIP_LOST), "lost");
    cr_assert_str_eq(vmx_roundtrip_kind_name(VMX_ROUNDTRIP_ADDED), "added");
    cr_assert_str_eq(vmx_roundtrip_kind_name(VMX_ROUNDTRIP_CHANGED), "changed");
    cr_assert_str_eq(vmx_roundtrip_kind_name(VMX_ROUNDTRIP_ERROR), "error");
    cr_assert_str_eq(vmx_roundtrip_check_name(VMX_ROUNDTRIP_KEYS), "keys");
    cr_assert_str_eq(vmx_roundtrip_check_name(VMX_ROUNDTRIP_FIXPOINT), "fixpoint");
    cr_assert_eq(vmx_roundtrip_count(NULL), 0);
    cr_assert_null(vmx_roundtrip_get(NULL, 0));
    vmx_roundtrip_free(NULL);
}

/* ---- the command ---- */

#define WILD TESTDATA_DIR "/wild/"

Test(cli_roundtrip, clean_lossless_file_is_quiet_and_exits_0)
{
    cli_result r = cli_run("roundtrip", "--lossless", WILD "afoote__Windows_10_x64.vmx",
                           TESTDATA_DIR "/libvirt/vmx2xml/esx-in-the-wild-1.vmx");

    cr_assert_eq(r.status, 0, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.errout, "");
    cli_result_dispose(&r);
}

Test(cli_roundtrip, both_modes_adds_the_other_fixpoint)
{
    cli_result r = cli_run("roundtrip", "--lossless", "--both-modes",
                           WILD "follenbest__Windows_10_x64.vmx");

    /* clean in lossless mode, but libvirt's writer drops the <genid> */
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, WILD "follenbest__Windows_10_x64.vmx: not a fixpoint in default "
                                 "mode: line 4 lost: '  <genid>fd748306-e580-ec77-8ea2-"
                                 "51c0bf4d7316</genid>'\n");
    cli_result_dispose(&r);
    /* a SATA disk and a generation ID: clean in both modes */
    r = cli_run("roundtrip", "--lossless", "--both-modes",
                WILD "afoote__Windows_10_x64.vmx");
    cr_assert_eq(r.status, 0, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "");
    cli_result_dispose(&r);
}

Test(cli_roundtrip, lossy_default_mode_lists_keys_and_exits_1)
{
    cli_result r = cli_run_stdin("config.version = \"8\"\n"
                                 "virtualHW.version = \"4\"\n"
                                 "displayName = \"t\"\n"
                                 "memsize = \"1001\"\n"
                                 "usb.present = \"TRUE\"\n",
                                 "roundtrip", "-f", "vmx", "-");

    cr_assert_eq(r.status, 1, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "<stdin>: added key [floppy0.present]: 'false'\n"
                            "<stdin>: added key [floppy1.present]: 'false'\n"
                            "<stdin>: added key [guestos]: 'other'\n"
                            "<stdin>:4: changed key [memsize]: '1001' -> '32'\n"
                            "<stdin>: added key [numvcpus]: '1'\n"
                            "<stdin>: added key [svga.vramsize]: '4194304'\n"
                            "<stdin>:5: lost key [usb.present]\n"
                            "<stdin>: added key [uuid.action]: 'create'\n");
    cli_result_dispose(&r);
}

Test(cli_roundtrip, fixpoint_findings_name_mode_and_line)
{
    cli_result r = cli_run_stdin(xml_doc, "roundtrip", "-f", "xml", "-");

    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out,
                     "<stdin>: not a fixpoint in default mode: line 16 lost: "
                     "'      <driver name='buslogic'/>'\n"
                     "<stdin>: not a fixpoint in default mode: line 21 changed: "
                     "'    <controller type='scsi' index='0'/>' -> "
                     "'    <controller type='scsi' index='0' model='buslogic'/>'\n");
    cli_result_dispose(&r);
}

/* a SATA disk: the default mode writes it back (libvirt's writer refuses
 * it), --strict converts as libvirt does and reports the refusal */
Test(cli_roundtrip, strict_shows_where_libvirt_cannot_convert_back)
{
    static const char sata_xml[] =
        "<domain type='vmware'>\n  <name>t</name>\n"
        "  <uuid>00000000-0000-0000-0000-000000000000</uuid>\n"
        "  <memory unit='KiB'>524288</memory>\n"
        "  <currentMemory unit='KiB'>524288</currentMemory>\n"
        "  <vcpu placement='static'>1</vcpu>\n"
        "  <os>\n    <type arch='i686'>hvm</type>\n  </os>\n  <clock offset='utc'/>\n"
        "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n"
        "  <on_crash>destroy</on_crash>\n  <devices>\n"
        "    <disk type='file' device='disk'>\n"
        "      <source file='[datastore] directory/a.vmdk'/>\n"
        "      <target dev='sda' bus='sata'/>\n"
        "      <address type='drive' controller='0' bus='0' target='0' unit='0'/>\n"
        "    </disk>\n    <controller type='sata' index='0'/>\n    <video>\n"
        "      <model type='vmvga' vram='4096' primary='yes'/>\n    </video>\n"
        "  </devices>\n</domain>\n";
    cli_result r = cli_run_stdin(sata_xml, "roundtrip", "-f", "xml", "-");

    cr_assert_eq(r.status, 0, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "");
    cli_result_dispose(&r);
    r = cli_run_stdin(sata_xml, "roundtrip", "--strict", "-f", "xml", "-");
    cr_assert_eq(r.status, 1, "%s%s", r.out, r.errout);
    cr_assert_str_eq(r.out, "<stdin>: default mode: xml -> vmx: unsupported bus type 'sata' "
                            "for disk 'sda' [devices/disk/target]\n");
    cli_result_dispose(&r);
}

Test(cli_roundtrip, json_report)
{
    cli_result r = cli_run_stdin("config.version = \"8\"\n"
                                 "virtualHW.version = \"4\"\n"
                                 "displayName = \"t\"\n"
                                 "memsize = \"512\"\n"
                                 "usb.present = \"TRUE\"\n",
                                 "roundtrip", "--json", "-f", "vmx", "-");

    cr_assert_eq(r.status, 1, "%s", r.errout);
    cr_assert(strstr(r.out, "{\"file\": \"<stdin>\", \"format\": \"vmx\", \"mode\": "
                            "\"default\", \"converted\": true, \"clean\": false,\n"),
              "%s", r.out);
    cr_assert(strstr(r.out, "\"checks\": {\"keys\": false, \"fixpoint_default\": true, "
                            "\"fixpoint_lossless\": null}"),
              "%s", r.out);
    cr_assert(strstr(r.out,
                     "{\"check\": \"keys\", \"mode\": \"default\", \"kind\": "
                     "\"lost\", \"line\": 5, \"key\": \"usb.present\", \"before\": "
                     "\"TRUE\", \"after\": null, \"message\": null}"),
              "%s", r.out);
    cr_assert_eq(r.out[0], '[');
    cr_assert_str_eq(r.out + r.outlen - 3, "\n]\n");
    cli_result_dispose(&r);

    r = cli_run("roundtrip", "--json", "--lossless", WILD "vmconfig__fail-1.vmx",
                WILD "afoote__Windows_10_x64.vmx");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.out,
                     "\"converted\": false, \"clean\": false,\n    \"checks\": "
                     "{\"keys\": null, \"fixpoint_default\": null, "
                     "\"fixpoint_lossless\": null},\n    \"error\": {\"line\": 1, "
                     "\"key\": \"key1\", \"message\": \"unterminated quoted value\"}"),
              "%s", r.out);
    cr_assert(
        strstr(r.out, "\"mode\": \"lossless\", \"converted\": true, \"clean\": true"),
        "%s", r.out);
    cr_assert_str_eq(r.errout, "");
    cli_result_dispose(&r);
}

Test(cli_roundtrip, exit_codes)
{
    cli_result r = cli_run("roundtrip");

    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "vmxkit roundtrip: no input file"), "%s", r.errout);
    cli_result_dispose(&r);

    r = cli_run("roundtrip", "--frobnicate", "x.vmx");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "unknown option '--frobnicate'"), "%s", r.errout);
    cli_result_dispose(&r);

    r = cli_run("roundtrip", "-f", "yaml", "x.vmx");
    cr_assert_eq(r.status, 2);
    cli_result_dispose(&r);

    /* a file that does not convert: its error, exit 1 */
    r = cli_run("roundtrip", WILD "vmconfig__fail-2.vmx");
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "");
    cr_assert(strstr(r.errout, "vmconfig__fail-2.vmx:1: space in key [key 1]\n"), "%s",
              r.errout);
    cli_result_dispose(&r);

    /* an unreadable file outranks one with findings */
    r = cli_run("roundtrip", WILD "vmconfig__fail-2.vmx", TESTDATA_DIR "/no/such.vmx");
    cr_assert_eq(r.status, 3);
    cli_result_dispose(&r);

    r = cli_run("roundtrip", "--help");
    cr_assert_eq(r.status, 0);
    cr_assert(strstr(r.out, "usage: vmxkit roundtrip"));
    cli_result_dispose(&r);
}
