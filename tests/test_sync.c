/* Integration tests of libvmxkit-sync and the push / power / unregister
 * commands, against the govmomi vSphere simulator (tests/vcsim) on
 * 127.0.0.1. Each test starts its own server and stops it in .fini.
 *
 * Every output of every command run here goes to an audit (see
 * test_sync_server.h); after all tests, main() checks that none of them
 * shows a password or a session cookie the servers handed out. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cli_run.h"
#include "test_sync_server.h"
#include "vmxkit/sync.h"
#include "vmxkit/vmxkit.h"

/* cli_run, with both outputs recorded for the audit. */
static cli_result audited_run(const char *const *args)
{
    cli_result r = cli_run_in(NULL, 0, args);

    sync_audit_add(r.out, r.outlen);
    sync_audit_add(r.errout, r.errlen);
    return r;
}
#undef cli_run
#define cli_run(...) audited_run((const char *const[]){__VA_ARGS__, NULL})

static vcsim srv;
static char workdir[64];

static void setup(void)
{
    setenv("VMXKIT_PASSWORD", "secret", 1);
    unsetenv("VMXKIT_USER");
    snprintf(workdir, sizeof(workdir), "/tmp/vmxkit-sync-test-XXXXXX");
    cr_assert_not_null(mkdtemp(workdir));
}

static void teardown(void)
{
    char cmd[128];

    vcsim_stop(&srv);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", workdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", workdir);
}

TestSuite(sync, .init = setup, .fini = teardown, .timeout = 40);

static void start(const char *const *flags)
{
    vcsim_start(&srv, flags);
}

/* vpx://root@127.0.0.1:PORT/DC0/DC0_C0?thumbprint=...<extra> */
static const char *vpx_uri(const char *extra)
{
    static char buf[1024];

    snprintf(buf, sizeof(buf), "vpx://root@127.0.0.1:%d/%s/DC0_C0?thumbprint=%s%s",
             srv.port, srv.datacenter, srv.sha256, extra ? extra : "");
    return buf;
}

static const char *write_file(const char *name, const char *content)
{
    static char path[8][256];
    static int next;
    char *p = path[next++ % 8];
    FILE *f;

    snprintf(p, 256, "%s/%s", workdir, name);
    f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs(content, f);
    fclose(f);
    return p;
}

static const char web_vmx[] = ".encoding = \"UTF-8\"\n"
                              "config.version = \"8\"\n"
                              "virtualHW.version = \"14\"\n"
                              "displayName = \"web\"\n"
                              "memsize = \"512\"\n"
                              "numvcpus = \"1\"\n"
                              "guestOS = \"otherlinux-64\"\n";

/* Download a datastore file through the library. */
static char *download(const char *uri, const char *dspath, int *rc_out, vmx_error *err)
{
    vmx_sync_options o = VMX_SYNC_OPTIONS_INIT;
    vmx_sync_session *s = NULL;
    char *data = NULL;
    size_t len = 0;
    int rc;

    o.password = "secret";
    cr_assert_eq(vmx_sync_global_init(), 0);
    rc = vmx_sync_connect(&s, uri, &o, err);
    cr_assert_eq(rc, 0, "connect: %s", err->message);
    rc = vmx_sync_download(&data, &len, s, dspath, err);
    vmx_sync_session_free(s);
    vmx_sync_global_cleanup();
    *rc_out = rc;
    return data;
}

Test(sync, login_failure_names_the_user_not_the_password)
{
    cli_result r;

    start(NULL);
    setenv("VMXKIT_PASSWORD", "wrong-Pa55", 1);
    r = cli_run("power", "on", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "login as 'root' refused: InvalidLogin"), "%s", r.errout);
    cr_assert_null(strstr(r.errout, "wrong-Pa55"));
    cr_assert_null(strstr(r.out, "wrong-Pa55"));
    cli_result_dispose(&r);
}

Test(sync, sha256_thumbprint_pin_accepts_untrusted_certificate)
{
    cli_result r;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), "--dry-run", write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.out, "create web ([LocalDS_0] web/web.vmx)"), "%s", r.out);
    cli_result_dispose(&r);
}

Test(sync, sha1_thumbprint_pin_without_colons)
{
    char uri[512], plain[64];
    size_t i, o = 0;
    cli_result r;

    start(NULL);
    for (i = 0; srv.sha1[i] && o + 1 < sizeof(plain); i++)
        if (srv.sha1[i] != ':')
            plain[o++] =
                (char)(srv.sha1[i] | 0x20 * (srv.sha1[i] >= 'A')); /* lower case */
    plain[o] = '\0';
    snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?thumbprint=%s", srv.port, plain);
    /* vpx simulator behind an esx:// URI: the pin passes, the type check fails */
    r = cli_run("power", "on", uri, "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(
        strstr(r.errout, "esx:// expects an ESX host, but 127.0.0.1 is a VirtualCenter"),
        "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, thumbprint_mismatch_shows_the_server_thumbprint)
{
    char uri[512];
    cli_result r;

    start(NULL);
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?thumbprint=%s",
             srv.port, "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33");
    r = cli_run("power", "on", uri, "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "certificate thumbprint mismatch"), "%s", r.errout);
    cr_assert(strstr(r.errout, srv.sha256), "%s", r.errout);
    cr_assert(strstr(r.errout, "[thumbprint]"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, untrusted_certificate_is_refused_by_default)
{
    char uri[256];
    cli_result r;

    start(NULL);
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0", srv.port);
    r = cli_run("power", "on", uri, "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "certificate verification: self-signed certificate"), "%s",
              r.errout);
    cr_assert(strstr(r.errout, srv.sha256), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, no_verify_and_cafile_connect)
{
    char uri[512];
    cli_result r;

    start(NULL);
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?no_verify=1",
             srv.port);
    r = cli_run("push", uri, "--dry-run", write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.out, "create web"), "%s", r.out);
    cli_result_dispose(&r);

    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?cafile=%s", srv.port,
             srv.certfile);
    r = cli_run("push", uri, "--dry-run", write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.out, "create web"), "%s", r.out);
    cli_result_dispose(&r);
}

Test(sync, plain_http_transport)
{
    const char *flags[] = {"-tls=false", NULL};
    char uri[256];
    cli_result r;

    start(flags);
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?transport=http",
             srv.port);
    r = cli_run("power", "off", uri, "DC0_H0_VM0");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "powered off DC0_H0_VM0\n");
    cli_result_dispose(&r);
}

Test(sync, push_uploads_registers_and_reads_back_byte_for_byte)
{
    static const char vmx[] = ".encoding = \"UTF-8\"\n"
                              "displayName = \"db 1+2%/\xc3\xa9\"\n"
                              "memsize = \"256\"\n"
                              "# a comment kept as it is\n";
    /* the directory and file names use libvirt's datastore item escaping */
    const char *expected_path =
        "[LocalDS_0] db 1+Kw-2+JQ-25+JQ-2f+w6k/db 1+Kw-2+JQ-25+JQ-2f+w6k.vmx";
    vmx_error err = VMX_ERROR_INIT;
    char want[256];
    char *back;
    cli_result r;
    int rc;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("db.vmx", vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    snprintf(want, sizeof(want), "created db 1+2%%/\xc3\xa9 (%s)\n", expected_path);
    cr_assert_str_eq(r.out, want);
    cli_result_dispose(&r);

    back = download(vpx_uri(NULL), expected_path, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_str_eq(back, vmx);
    free(back);

    /* registered under its name: a second push finds it and changes nothing */
    r = cli_run("push", vpx_uri(NULL), write_file("db.vmx", vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "unchanged db 1+2%/\xc3\xa9\n");
    cli_result_dispose(&r);
}

Test(sync, push_reconfigures_only_changed_keys_then_is_idempotent)
{
    /* no device key: ReconfigVM_Task alone (typed field + extraConfig) */
    static const char v2[] = ".encoding = \"UTF-8\"\n"
                             "config.version = \"8\"\n"
                             "virtualHW.version = \"14\"\n"
                             "displayName = \"web\"\n"
                             "memsize = \"1024\"\n"
                             "numvcpus = \"1\"\n"
                             "guestOS = \"otherlinux-64\"\n"
                             "guestinfo.role = \"frontend\"\n";
    vmx_error err = VMX_ERROR_INIT;
    cli_result r;
    char *back;
    int rc;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);

    r = cli_run("push", vpx_uri(NULL), "--dry-run", write_file("web2.vmx", v2));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "update web: memsize,guestinfo.role\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_str_eq(back, web_vmx, "dry-run changed the file");
    free(back);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", v2));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "updated web: memsize,guestinfo.role\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert(strstr(back, "memsize = \"1024\""), "%s", back);
    cr_assert(strstr(back, "guestinfo.role = \"frontend\""), "%s", back);
    free(back);
    /* the test server writes extraConfig into the file: not a reload */
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 0);
    cr_assert_eq(vcsim_log_count(&srv, "ignored extraConfig "), 0);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", v2));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "unchanged web\n");
    cli_result_dispose(&r);
}

/* A VM as a host keeps it: what was pushed plus keys only the host has (a
 * BIOS uuid, a generated MAC). */
static const char host_web_vmx[] =
    ".encoding = \"UTF-8\"\n"
    "config.version = \"8\"\n"
    "virtualHW.version = \"14\"\n"
    "displayName = \"web\"\n"
    "memsize = \"512\"\n"
    "numvcpus = \"1\"\n"
    "guestOS = \"otherlinux-64\"\n"
    "uuid.bios = \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\"\n"
    "# added by the host\n"
    "ethernet0.present = \"TRUE\"\n"
    "ethernet0.virtualDev = \"e1000\"\n"
    "ethernet0.addressType = \"generated\"\n"
    "ethernet0.generatedAddress = \"00:0c:29:78:9a:bc\"\n";

/* The definition: a NIC model and a SCSI controller change (device keys), a
 * typed field and an extraConfig key; no uuid, no MAC. */
static const char device_web_vmx[] = ".encoding = \"UTF-8\"\n"
                                     "config.version = \"8\"\n"
                                     "virtualHW.version = \"14\"\n"
                                     "displayName = \"web\"\n"
                                     "memsize = \"1024\"\n"
                                     "numvcpus = \"1\"\n"
                                     "guestOS = \"otherlinux-64\"\n"
                                     "ethernet0.present = \"TRUE\"\n"
                                     "ETHERNET0.virtualDev = \"vmxnet3\"\n"
                                     "scsi0.present = \"TRUE\"\n"
                                     "scsi0.virtualDev = \"pvscsi\"\n"
                                     "guestinfo.role = \"frontend\"\n";

static const char device_keys[] =
    "memsize,ETHERNET0.virtualDev,scsi0.present,scsi0.virtualDev,guestinfo.role";

static char *read_back_web(void)
{
    vmx_error err = VMX_ERROR_INIT;
    char *back;
    int rc;

    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    return back;
}

Test(sync, device_change_on_powered_off_vm_merges_the_file_and_reloads)
{
    /* the host's file with the definition's values, its own keys kept */
    static const char merged[] =
        ".encoding = \"UTF-8\"\n"
        "config.version = \"8\"\n"
        "virtualHW.version = \"14\"\n"
        "displayName = \"web\"\n"
        "memsize = \"1024\"\n"
        "numvcpus = \"1\"\n"
        "guestOS = \"otherlinux-64\"\n"
        "uuid.bios = \"56 4d 12 34 56 78 9a bc-de f0 12 34 56 78 9a bc\"\n"
        "# added by the host\n"
        "ethernet0.present = \"TRUE\"\n"
        "ethernet0.virtualDev = \"vmxnet3\"\n"
        "ethernet0.addressType = \"generated\"\n"
        "ethernet0.generatedAddress = \"00:0c:29:78:9a:bc\"\n"
        "scsi0.present = \"TRUE\"\n"
        "scsi0.virtualDev = \"pvscsi\"\n"
        "guestinfo.role = \"frontend\"\n";
    char want[256], *back;
    cli_result r;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", host_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    snprintf(want, sizeof(want), "updated web (reload): %s\n", device_keys);
    cr_assert_str_eq(r.out, want);
    cli_result_dispose(&r);
    back = read_back_web();
    cr_assert_str_eq(back, merged);
    free(back);
    /* the host re-read the uploaded file (memsize is the new one), once, and
     * no device key went through extraConfig, where a host ignores it */
    cr_assert_eq(vcsim_log_count(&srv, "reload web numvcpus=1 memsize=1024\n"), 1);
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 1);
    cr_assert_eq(vcsim_log_count(&srv, "ignored extraConfig "), 0);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "unchanged web\n");
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 1);
}

Test(sync, device_change_on_powered_on_vm_is_refused_and_changes_nothing)
{
    const char *flags[] = {"-noquestion", NULL};
    char *back;
    cli_result r;

    start(flags);
    r = cli_run("push", vpx_uri(NULL), "--power-on", write_file("web.vmx", host_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.out, "powered on web\n"), "%s", r.out);
    cli_result_dispose(&r);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 1);
    cr_assert_str_eq(r.out, "");
    cr_assert(strstr(r.errout, "'web' is poweredOn: ETHERNET0.virtualDev,scsi0.present,"
                               "scsi0.virtualDev change only in the .vmx file of a "
                               "powered-off VM"),
              "%s", r.errout);
    cr_assert(strstr(r.errout, "power it off and push again (nothing was changed)"), "%s",
              r.errout);
    cli_result_dispose(&r);
    /* the dry run says the same */
    r = cli_run("push", vpx_uri(NULL), "--dry-run",
                write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "'web' is poweredOn: ETHERNET0.virtualDev"), "%s",
              r.errout);
    cli_result_dispose(&r);
    back = read_back_web();
    cr_assert_str_eq(back, host_web_vmx, "the refused push changed the file");
    free(back);
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 0);

    /* powered off, the same push goes through */
    r = cli_run("power", "off", vpx_uri(NULL), "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);
    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.out, "updated web (reload): "), "%s", r.out);
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 1);
}

Test(sync, dry_run_plans_a_reload_and_changes_nothing)
{
    char want[256], *back;
    cli_result r;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", host_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);
    r = cli_run("push", vpx_uri(NULL), "--dry-run",
                write_file("web2.vmx", device_web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    snprintf(want, sizeof(want), "update web (reload): %s\n", device_keys);
    cr_assert_str_eq(r.out, want);
    cli_result_dispose(&r);
    back = read_back_web();
    cr_assert_str_eq(back, host_web_vmx, "the dry run changed the file");
    free(back);
    cr_assert_eq(vcsim_log_count(&srv, "reload "), 0);
}

Test(sync, dry_run_creates_nothing)
{
    cli_result r;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), "--dry-run", write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "create web ([LocalDS_0] web/web.vmx)\n");
    cli_result_dispose(&r);
    r = cli_run("power", "on", vpx_uri(NULL), "web");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "no virtual machine 'web' in datacenter 'DC0'"), "%s",
              r.errout);
    cli_result_dispose(&r);
}

Test(sync, failed_registration_removes_the_upload)
{
    const char *flags[] = {"-failregister", NULL};
    vmx_error err = VMX_ERROR_INIT;
    cli_result r;
    char *back;
    int rc;

    start(flags);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "register 'web': NotSupported"), "%s", r.errout);
    cr_assert(strstr(r.errout, "the uploaded [LocalDS_0] web/web.vmx was removed"), "%s",
              r.errout);
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_eq(rc, VMX_EIO);
    cr_assert(strstr(err.message, "HTTP status 404"), "%s", err.message);
    free(back);
}

Test(sync, question_auto_answer_on_uses_the_default)
{
    vmx_error err = VMX_ERROR_INIT;
    cli_result r;
    char *back;
    int rc;

    start(NULL);
    r = cli_run("push", vpx_uri("&auto_answer=1"), "--power-on",
                write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "created web ([LocalDS_0] web/web.vmx)\npowered on web\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert(strstr(back, "uuid.action = \"create\""), "%s", back); /* "I Copied It" */
    free(back);
}

Test(sync, question_auto_answer_off_reports_and_cancels)
{
    cli_result r;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cli_result_dispose(&r);
    r = cli_run("power", "on", vpx_uri("&auto_answer=0"), "web");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout,
                     "virtual machine 'web' asks \"This virtual machine might have "
                     "been moved or copied."),
              "%s", r.errout);
    cr_assert(
        strstr(r.errout, "(choices: 0 Cancel, 1 I Moved It, 2 I Copied It (default))"),
        "%s", r.errout);
    cr_assert(strstr(r.errout, "power on of 'web' was cancelled [msg.uuid.altered]"),
              "%s", r.errout);
    cli_result_dispose(&r);
    /* cancelled: nothing pending, the VM is still off */
    r = cli_run("power", "off", vpx_uri(NULL), "web");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "InvalidPowerState"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, question_on_noncancelable_task_stays_blocked_then_is_answered)
{
    const char *flags[] = {"-noncancelable", NULL};
    cli_result r;

    start(flags);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cli_result_dispose(&r);
    r = cli_run("power", "on", vpx_uri(NULL), "web");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout,
                     "cannot be cancelled and stays blocked until the question is "
                     "answered"),
              "%s", r.errout);
    cli_result_dispose(&r);
    /* the pending question is answered and nothing new is started */
    r = cli_run("power", "on", vpx_uri("&auto_answer=1"), "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "answered the pending question of web; on not started\n");
    cli_result_dispose(&r);
    /* the blocked power-on did the work */
    r = cli_run("power", "off", vpx_uri(NULL), "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "powered off web\n");
    cli_result_dispose(&r);
}

Test(sync, answers_file_overrides_the_default)
{
    vmx_error err = VMX_ERROR_INIT;
    cli_result r;
    char *back;
    int rc;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cli_result_dispose(&r);
    r = cli_run("power", "on", vpx_uri(NULL), "--answers",
                write_file("answers", "# uuid question\n"
                                      "msg.uuid.altered = \"button.uuid.movedTheVM\"\n"),
                "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "powered on web\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert(strstr(back, "uuid.action = \"keep\""), "%s", back); /* "I Moved It" */
    free(back);
}

Test(sync, question_without_default_is_reported_not_guessed)
{
    const char *flags[] = {"-nodefault", NULL};
    cli_result r;

    start(flags);
    r = cli_run("push", vpx_uri("&auto_answer=1"), "--power-on",
                write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 1);
    cr_assert(
        strstr(r.errout, "the question has no default answer: give one with --answers"),
        "%s", r.errout);
    cr_assert(strstr(r.errout, "(choices: 0 Cancel, 1 I Moved It, 2 I Copied It)"), "%s",
              r.errout);
    cr_assert(strstr(r.errout, "was cancelled"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, task_error_reports_the_fault_type)
{
    cli_result r;

    start(NULL);
    /* the simulator's VMs are powered on */
    r = cli_run("power", "on", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "vmxkit: power on of 'DC0_H0_VM0': InvalidPowerState"),
              "%s", r.errout);
    cli_result_dispose(&r);
}

/* Bind 127.0.0.1:@port without listening: connections to it are refused,
 * and no other server can take the port while the socket is open. Retries
 * while the killed server's listening socket is still being closed. */
static int hold_port(int port)
{
    struct sockaddr_in a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, tries;

    if (fd < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((unsigned short)port);
    for (tries = 0; bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0; tries++) {
        if (errno != EADDRINUSE || tries >= 400) {
            close(fd);
            return -1;
        }
        usleep(5000);
    }
    return fd;
}

Test(sync, server_killed_mid_task_gives_a_clear_error)
{
    const char *flags[] = {"-hold", NULL};
    int sync_pipe[2];
    pid_t killer;
    cli_result r;
    char c = 0;
    int st;

    start(flags);
    cr_assert_eq(pipe(sync_pipe), 0);
    killer = fork();
    cr_assert_neq(killer, -1);
    if (killer == 0) {
        int fd = -1;

        close(sync_pipe[1]);
        /* kill the server once the task is held and the client waits on it,
         * then hold its port until the client is done: the client's retry
         * must be refused, not reach another test's server that took the
         * freed port */
        if (vcsim_wait_line(&srv, "held ") == 0 &&
            vcsim_wait_line(&srv, "waiting ") == 0) {
            kill(srv.pid, SIGKILL);
            waitpid(srv.pid, NULL, 0);
            fd = hold_port(srv.port);
        }
        if (read(sync_pipe[0], &c, 1) < 0)
            c = 0;
        _exit(fd >= 0 ? 0 : 3);
    }
    close(sync_pipe[0]);
    r = cli_run("power", "off", vpx_uri(NULL), "--timeout", "30", "DC0_H0_VM0");
    close(sync_pipe[1]);
    waitpid(killer, &st, 0);
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "the server was not killed or its port could not be held");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout,
                     "vmxkit: lost the connection while waiting for power off of "
                     "'DC0_H0_VM0' (task-"),
              "%s", r.errout);
    cr_assert(strstr(r.errout, "may still be running): "), "%s", r.errout);
    cr_assert(strstr(r.errout, "127.0.0.1:"), "%s", r.errout);
    cr_assert_null(strstr(r.errout, "timed out"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, timeout_while_waiting_then_pending_task_blocks_the_next)
{
    const char *flags[] = {"-hold", NULL};
    cli_result r;

    start(flags);
    r = cli_run("power", "off", vpx_uri(NULL), "--timeout", "2", "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(
        strstr(r.errout, "timed out after 2 s waiting for power off of 'DC0_H0_VM0'"),
        "%s", r.errout);
    cr_assert(strstr(r.errout, "is still running)"), "%s", r.errout);
    cli_result_dispose(&r);
    r = cli_run("power", "suspend", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "virtual machine 'DC0_H0_VM0' has pending tasks"), "%s",
              r.errout);
    cr_assert(strstr(r.errout, "PowerOffVM_Task running); nothing started"), "%s",
              r.errout);
    cli_result_dispose(&r);
}

Test(sync, esx_mode_push_power_unregister)
{
    const char *flags[] = {"-mode", "esx", NULL};
    char uri[512];
    cli_result r;

    start(flags);
    cr_assert_str_eq(srv.datacenter, "ha-datacenter");
    snprintf(uri, sizeof(uri), "esx://127.0.0.1:%d/?thumbprint=%s&auto_answer=1",
             srv.port, srv.sha256);
    setenv("VMXKIT_USER", "root", 1);
    r = cli_run("push", uri, "--power-on", write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "created web ([LocalDS_0] web/web.vmx)\npowered on web\n");
    cli_result_dispose(&r);
    r = cli_run("power", "off", uri, "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);
    r = cli_run("unregister", uri, "web");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "unregistered web\n");
    cli_result_dispose(&r);
    r = cli_run("power", "on", uri, "web");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "no virtual machine 'web' in datacenter 'ha-datacenter'"),
              "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, trace_hides_the_password)
{
    cli_result r;

    start(NULL);
    setenv("VMXKIT_PASSWORD", "s3cr<e>t&", 1);
    r = cli_run("power", "off", vpx_uri(NULL), "--trace", "DC0_H0_VM0");
    cr_assert_eq(r.status, 1); /* wrong password for this server */
    cr_assert(strstr(r.errout, "--- request"), "%s", r.errout);
    cr_assert(strstr(r.errout, "<userName>root</userName><password>***</password>"), "%s",
              r.errout);
    cr_assert_null(strstr(r.errout, "s3cr"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, password_file_and_missing_password)
{
    cli_result r;

    start(NULL);
    unsetenv("VMXKIT_PASSWORD");
    r = cli_run("power", "off", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 2);
    cr_assert(strstr(r.errout, "no password: set VMXKIT_PASSWORD"), "%s", r.errout);
    cli_result_dispose(&r);
    r = cli_run("power", "off", vpx_uri(NULL), "--password-file",
                write_file("pw", "secret\n"), "DC0_H0_VM0");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, connection_refused_is_a_network_error)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    char uri[256];
    cli_result r;
    int fd;

    /* a port bound but not listening refuses connections, and stays ours */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/", ntohs(a.sin_port));
    r = cli_run("power", "off", uri, "vm");
    close(fd);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "vmxkit: 127.0.0.1:"), "%s", r.errout);
    cr_assert(strstr(r.errout, "Couldn't connect to server"), "%s", r.errout);
    cli_result_dispose(&r);
}

/* The VMX vmx_convert() makes of @path (XML or YAML) at virtualHW @hw. */
static char *convert_at(const char *path, int hw)
{
    vmx_convert_options co = VMX_CONVERT_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    char *in, *out = NULL;
    size_t len, outlen;
    int rc;

    in = test_read_file(path, &len);
    cr_assert_not_null(in, "%s", path);
    co.hw_version = hw;
    rc = vmx_convert(&out, &outlen, in, len, path, vmx_format_from_path(path),
                     VMX_FORMAT_VMX, &co, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    free(in);
    return out;
}

/* Push @file and return what the host holds at [LocalDS_0] NAME/NAME.vmx. */
static char *push_and_read_back(const char *file, const char *name)
{
    vmx_error err = VMX_ERROR_INIT;
    char want[600], dspath[256];
    cli_result r;
    char *back;
    int rc;

    r = cli_run("push", vpx_uri(NULL), file);
    cr_assert_eq(r.status, 0, "%s", r.errout);
    snprintf(dspath, sizeof(dspath), "[LocalDS_0] %s/%s.vmx", name, name);
    snprintf(want, sizeof(want), "created %s (%s)\n", name, dspath);
    cr_assert_str_eq(r.out, want);
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), dspath, &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    return back;
}

Test(sync, push_converts_libvirt_xml_with_the_host_default_hw_version)
{
    const char *xml = TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-minimal-64bit.xml";
    char *back, *want, *converter_default;

    start(NULL); /* the server's default: vmx-19, flagged defaultConfigOption */
    back = push_and_read_back(xml, "minimal-64bit");
    /* what was uploaded is the conversion at the host's version, which is
     * not what the converter gives by default (libvirt's 4) */
    want = convert_at(xml, 19);
    converter_default = convert_at(xml, 0);
    cr_assert(strstr(back, "virtualHW.version = \"19\"\n"), "%s", back);
    cr_assert_str_eq(back, want);
    cr_assert_str_neq(back, converter_default);
    free(back);
    free(want);
    vmx_free(converter_default);
}

Test(sync, push_yaml_uses_the_version_the_host_flags)
{
    const char *flags[] = {"-defaulthw", "vmx-15", NULL};
    const char *xml = TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-minimal-64bit.xml";
    const char *yaml;
    char *back, *want;
    cli_result r;

    start(flags);
    yaml = write_file("minimal.yaml", "");
    r = cli_run("convert", "-t", "yaml", "-o", yaml, xml);
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cli_result_dispose(&r);
    back = push_and_read_back(yaml, "minimal-64bit");
    want = convert_at(yaml, 15);
    cr_assert(strstr(back, "virtualHW.version = \"15\"\n"), "%s", back);
    cr_assert_str_eq(back, want);
    free(back);
    free(want);
}

Test(sync, push_xml_on_a_host_that_flags_no_default_uses_its_default_config_option)
{
    /* hosts before 6.7 flag no descriptor: the version of the default
     * config option (QueryConfigOption; the simulator's is vmx-13) */
    const char *flags[] = {"-nodefaulthw", NULL};
    const char *xml = TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-minimal-64bit.xml";
    char *back;

    start(flags);
    back = push_and_read_back(xml, "minimal-64bit");
    cr_assert(strstr(back, "virtualHW.version = \"13\"\n"), "%s", back);
    free(back);
}

Test(sync, default_hw_version_through_the_library_in_esx_mode)
{
    const char *flags[] = {"-mode", "esx", "-defaulthw", "vmx-17", NULL};
    vmx_sync_options o = VMX_SYNC_OPTIONS_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx_sync_session *s = NULL;
    char uri[512];
    int hw = 0, rc;

    start(flags);
    snprintf(uri, sizeof(uri), "esx://root@127.0.0.1:%d/?thumbprint=%s", srv.port,
             srv.sha256);
    o.password = "secret";
    cr_assert_eq(vmx_sync_global_init(), 0);
    rc = vmx_sync_connect(&s, uri, &o, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    rc = vmx_sync_default_hw_version(&hw, s, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_eq(hw, 17);
    vmx_sync_session_free(s);
    vmx_sync_global_cleanup();
}

/* --- session expiry: one re-login, never a loop */

Test(sync, relogin_once_when_a_call_is_answered_not_authenticated)
{
    /* the server drops the session when the power-off arrives: the fault
     * NotAuthenticated, one Login, the power-off again */
    const char *flags[] = {"-expire", "PowerOffVM_Task", NULL};
    cli_result r;

    start(flags);
    r = cli_run("power", "off", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "powered off DC0_H0_VM0\n");
    cr_assert_str_eq(r.errout, "");
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "expired PowerOffVM_Task"), 1);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 2, "expected two logins");
    /* the power-off was done */
    r = cli_run("power", "off", vpx_uri(NULL), "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "InvalidPowerState"), "%s", r.errout);
    cli_result_dispose(&r);
}

Test(sync, relogin_once_on_a_not_authenticated_missing_set)
{
    /* an expired session's RetrievePropertiesEx is answered 200 with a
     * NotAuthenticated missingSet, not a fault */
    const char *flags[] = {"-expire", "RetrievePropertiesEx", NULL};
    cli_result r;

    start(flags);
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "created web ([LocalDS_0] web/web.vmx)\n");
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "expired RetrievePropertiesEx"), 1);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 2, "expected two logins");
}

Test(sync, not_authenticated_again_after_the_relogin_is_an_error)
{
    const char *flags[] = {"-expire", "PowerOffVM_Task", "-expiretimes", "2", NULL};
    cli_result r;

    start(flags);
    r = cli_run("power", "off", vpx_uri(NULL), "--timeout", "20", "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout,
                     "PowerOffVM_Task: NotAuthenticated again right after "
                     "logging in again as 'root': the server drops the session"),
              "%s", r.errout);
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "expired PowerOffVM_Task"), 2);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 2, "one re-login, no loop");
}

Test(sync, relogin_missing_set_twice_is_an_error)
{
    const char *flags[] = {"-expire", "RetrievePropertiesEx", "-expiretimes", "2", NULL};
    cli_result r;

    start(flags);
    r = cli_run("power", "off", vpx_uri(NULL), "--timeout", "20", "DC0_H0_VM0");
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.errout, "RetrievePropertiesEx: NotAuthenticated again right after "
                               "logging in again as 'root'"),
              "%s", r.errout);
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 2, "one re-login, no loop");
}

/* --- proxy= through a real proxy (the test server's, which logs requests) */

Test(sync, proxy_carries_plain_http_requests)
{
    const char *flags[] = {"-tls=false", "-proxy", NULL};
    char uri[512], line[256];
    int sdk, folder;
    cli_result r;

    start(flags);
    cr_assert_gt(srv.proxy_port, 0);
    snprintf(
        uri, sizeof(uri),
        "vpx://root@127.0.0.1:%d/DC0/DC0_C0?transport=http&proxy=http://127.0.0.1:%d",
        srv.port, srv.proxy_port);
    r = cli_run("push", uri, write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "created web ([LocalDS_0] web/web.vmx)\n");
    cli_result_dispose(&r);
    /* every SOAP call and the upload went through the proxy */
    snprintf(line, sizeof(line), "proxy POST http://127.0.0.1:%d/sdk", srv.port);
    sdk = vcsim_log_count(&srv, line);
    cr_assert_geq(sdk, 5, "%d SOAP calls through the proxy", sdk);
    snprintf(
        line, sizeof(line),
        "proxy PUT http://127.0.0.1:%d/folder/web/web.vmx?dcPath=DC0&dsName=LocalDS_0",
        srv.port);
    folder = vcsim_log_count(&srv, line);
    cr_assert_eq(folder, 1);
    /* without proxy= nothing goes through it */
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?transport=http",
             srv.port);
    r = cli_run("power", "off", uri, "web");
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "proxy "), sdk + folder);
}

Test(sync, proxy_tunnels_https_with_connect)
{
    const char *flags[] = {"-proxy", NULL};
    char extra[128], line[128];
    cli_result r;

    start(flags);
    /* an explicit proxy= is used even for hosts no_proxy lists */
    setenv("no_proxy", "127.0.0.1,localhost", 1);
    snprintf(extra, sizeof(extra), "&proxy=http://127.0.0.1:%d", srv.proxy_port);
    r = cli_run("power", "off", vpx_uri(extra), "DC0_H0_VM0");
    unsetenv("no_proxy");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "powered off DC0_H0_VM0\n");
    cli_result_dispose(&r);
    snprintf(line, sizeof(line), "proxy CONNECT 127.0.0.1:%d", srv.port);
    cr_assert_geq(vcsim_log_count(&srv, line), 1);
    cr_assert_eq(vcsim_log_count(&srv, "proxy "), vcsim_log_count(&srv, line),
                 "https requests must be tunnelled, not forwarded");
}

Test(sync, dead_proxy_is_a_clear_error)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    char extra[128], want[128];
    cli_result r;
    int fd;

    start(NULL);
    /* a port bound but not listening refuses connections */
    fd = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(fd, 0);
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
    snprintf(extra, sizeof(extra), "&proxy=http://127.0.0.1:%d", ntohs(a.sin_port));
    r = cli_run("power", "off", vpx_uri(extra), "DC0_H0_VM0");
    close(fd);
    cr_assert_eq(r.status, 1);
    snprintf(want, sizeof(want),
             "vmxkit: 127.0.0.1:%d through proxy http://127.0.0.1:%d: ", srv.port,
             ntohs(a.sin_port));
    cr_assert(strstr(r.errout, want), "%s", r.errout);
    cr_assert(strstr(r.errout, "[proxy]"), "%s", r.errout);
    cli_result_dispose(&r);
}

/* --- the password prompt on a terminal */

/* Read what the terminal shows until @want appears (or EOF / 20 s). */
static int pty_read_until(int master, char *buf, size_t size, size_t *len,
                          const char *want)
{
    while (*len + 1 < size) {
        struct pollfd p = {master, POLLIN, 0};
        ssize_t n;

        if (want && strstr(buf, want))
            return 0;
        if (poll(&p, 1, 20000) <= 0)
            return -1;
        n = read(master, buf + *len, size - *len - 1);
        if (n <= 0) /* EIO once the child closed the terminal */
            return want ? -1 : 0;
        *len += (size_t)n;
        buf[*len] = '\0';
    }
    return want && strstr(buf, want) ? 0 : -1;
}

Test(sync, password_prompt_on_a_terminal_without_echo)
{
    char tty[8192] = "", outp[256], errp[256];
    struct termios t;
    size_t len = 0;
    char *out, *errout;
    int master, st;
    pid_t pid;

    start(NULL);
    unsetenv("VMXKIT_PASSWORD");
    snprintf(outp, sizeof(outp), "%s/stdout", workdir);
    snprintf(errp, sizeof(errp), "%s/stderr", workdir);
    pid = forkpty(&master, NULL, NULL, NULL);
    cr_assert_neq(pid, -1);
    if (pid == 0) {
        /* the terminal is stdin and the controlling terminal; stdout and
         * stderr go to files, to tell the prompt from the output */
        int o = open(outp, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int e = open(errp, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        dup2(o, 1);
        dup2(e, 2);
        execl(BUILDDIR "/bin/vmxkit", "vmxkit", "power", "off", vpx_uri(NULL),
              "DC0_H0_VM0", (char *)NULL);
        _exit(127);
    }
    cr_assert_eq(pty_read_until(master, tty, sizeof(tty), &len, "password: "), 0,
                 "no prompt on the terminal: '%s'", tty);
    /* echo is off when the prompt shows */
    cr_assert_eq(tcgetattr(master, &t), 0);
    cr_assert_eq(t.c_lflag & ECHO, 0, "echo is on at the prompt");
    cr_assert_eq(write(master, "secret\n", 7), 7);
    pty_read_until(master, tty, sizeof(tty), &len, NULL);
    waitpid(pid, &st, 0);
    close(master);
    sync_audit_add(tty, len);
    out = test_read_file(outp, NULL);
    errout = test_read_file(errp, NULL);
    cr_assert_not_null(out);
    cr_assert_not_null(errout);
    sync_audit_add(out, strlen(out));
    sync_audit_add(errout, strlen(errout));
    cr_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d: %s", st, errout);
    cr_assert_str_eq(out, "powered off DC0_H0_VM0\n");
    cr_assert_str_eq(errout, "");
    /* the typed password was not echoed */
    cr_assert_null(strstr(tty, "secret"), "%s", tty);
    free(out);
    free(errout);
}

Test(sync, no_terminal_and_no_password_fails_before_connecting)
{
    cli_result r;

    start(NULL);
    unsetenv("VMXKIT_PASSWORD");
    /* cli_run's stdin is a file, not a terminal: no prompt, a clear error */
    r = cli_run("push", vpx_uri(NULL), write_file("web.vmx", web_vmx));
    cr_assert_eq(r.status, 2);
    cr_assert_str_eq(r.out, "");
    cr_assert_str_eq(r.errout, "vmxkit: no password: set VMXKIT_PASSWORD, use "
                               "--password-file FILE, or run on a terminal\n");
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 0, "it logged in");
}

/* --- secrets in traces */

Test(sync, trace_of_a_session_hides_password_and_session_key)
{
    cli_result r;

    start(NULL);
    r = cli_run("power", "off", vpx_uri(NULL), "--trace", "DC0_H0_VM0");
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert(strstr(r.errout, "<password>***</password>"), "%s", r.errout);
    /* the simulator's session key is its cookie value */
    cr_assert(strstr(r.errout, "<LoginResponse"), "%s", r.errout);
    cr_assert(strstr(r.errout, "<key>***</key>"), "%s", r.errout);
    /* and so is the session id in the references of session-scoped views */
    cr_assert(strstr(r.errout, "<returnval type=\"ContainerView\">session[***]"), "%s",
              r.errout);
    cr_assert_null(strstr(r.errout, "secret"));
    cli_result_dispose(&r);
    cr_assert_eq(vcsim_log_count(&srv, "cookie "), 1);
}

/* --- the audit: no password and no session cookie in any output */

/* Passwords the tests use. */
static const char *const audit_passwords[] = {"secret", "wrong-Pa55", "s3cr"};

static int audit_check(const char *dir)
{
    char path[256], line[256];
    size_t outlen = 0, i;
    char *outputs;
    int cookies = 0, found = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/outputs", dir);
    outputs = test_read_file(path, &outlen);
    snprintf(path, sizeof(path), "%s/cookies", dir);
    f = fopen(path, "r");
    if (!outputs && !f) {
        printf("[----] sync audit: no outputs recorded (no test ran a command)\n");
        return 0;
    }
    if (!outputs) {
        outputs = calloc(1, 1);
        outlen = 0;
    }
    /* NUL bytes would hide what follows them from strstr */
    for (i = 0; i < outlen; i++)
        if (outputs[i] == '\0')
            outputs[i] = ' ';
    for (i = 0; i < (sizeof(audit_passwords) / sizeof(audit_passwords[0])); i++) {
        if (strstr(outputs, audit_passwords[i])) {
            printf("[FAIL] sync audit: the password '%s' appears in an output\n",
                   audit_passwords[i]);
            found++;
        }
    }
    while (f && fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strlen(line) < 8)
            continue;
        cookies++;
        if (strstr(outputs, line)) {
            printf("[FAIL] sync audit: the session cookie %s appears in an output\n",
                   line);
            found++;
        }
    }
    if (f)
        fclose(f);
    printf("[----] sync audit: %zu bytes of output from the sync tests, %zu passwords "
           "and %d session cookies looked for: %s\n",
           outlen, (sizeof(audit_passwords) / sizeof(audit_passwords[0])), cookies,
           found ? "FOUND" : "none appears");
    free(outputs);
    return found ? -1 : 0;
}

int main(int argc, char *argv[])
{
    struct criterion_test_set *tests = criterion_initialize();
    char dir[] = "/tmp/vmxkit-sync-audit-XXXXXX", cmd[128];
    int result = 0;

    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    setenv("VMXKIT_SYNC_AUDIT", dir, 1);
    if (criterion_handle_args(argc, argv, true)) {
        result = !criterion_run_all_tests(tests);
        if (audit_check(dir) < 0)
            result = 1;
    }
    criterion_finalize(tests);
    if (getenv("VMXKIT_SYNC_KEEP_AUDIT")) { /* to look at what was recorded */
        fprintf(stderr, "sync audit kept in %s\n", dir);
        return result;
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return result;
}
