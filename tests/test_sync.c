/* Integration tests of libvmxkit-sync and the push / power / unregister
 * commands, against the govmomi vSphere simulator (tests/vcsim) on
 * 127.0.0.1. Each test starts its own server and stops it in .fini. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "cli_run.h"
#include "test_sync_server.h"
#include "vmxkit/sync.h"

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
    static const char v2[] = ".encoding = \"UTF-8\"\n"
                             "config.version = \"8\"\n"
                             "virtualHW.version = \"14\"\n"
                             "displayName = \"web\"\n"
                             "memsize = \"1024\"\n"
                             "numvcpus = \"1\"\n"
                             "guestOS = \"otherlinux-64\"\n"
                             "tools.syncTime = \"TRUE\"\n";
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
    cr_assert_str_eq(r.out, "update web: memsize,tools.syncTime\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_str_eq(back, web_vmx, "dry-run changed the file");
    free(back);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", v2));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "updated web: memsize,tools.syncTime\n");
    cli_result_dispose(&r);
    back = download(vpx_uri(NULL), "[LocalDS_0] web/web.vmx", &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert(strstr(back, "memsize = \"1024\""), "%s", back);
    cr_assert(strstr(back, "tools.syncTime = \"TRUE\""), "%s", back);
    free(back);

    r = cli_run("push", vpx_uri(NULL), write_file("web2.vmx", v2));
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(r.out, "unchanged web\n");
    cli_result_dispose(&r);
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

Test(sync, server_killed_mid_task_gives_a_clear_error)
{
    const char *flags[] = {"-hold", NULL};
    pid_t killer;
    cli_result r;
    int st;

    start(flags);
    killer = fork();
    cr_assert_neq(killer, -1);
    if (killer == 0) {
        /* kill the server once the task is held and the client waits on it */
        if (vcsim_wait_line(&srv, "held ") == 0 && vcsim_wait_line(&srv, "waiting ") == 0)
            kill(srv.pid, SIGKILL);
        _exit(0);
    }
    r = cli_run("power", "off", vpx_uri(NULL), "--timeout", "30", "DC0_H0_VM0");
    waitpid(killer, &st, 0);
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

Test(sync, push_converts_libvirt_xml_to_vmx)
{
    const char *xml = TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-minimal-64bit.xml";
    vmx_error err = VMX_ERROR_INIT;
    char *back, *want;
    cli_result r;
    int rc;

    start(NULL);
    r = cli_run("push", vpx_uri(NULL), xml);
    cr_assert_eq(r.status, 0, "%s", r.errout);
    cr_assert_str_eq(
        r.out, "created minimal-64bit ([LocalDS_0] minimal-64bit/minimal-64bit.vmx)\n");
    cli_result_dispose(&r);
    /* what was uploaded is libvirt's conversion (virtualHW 4, as in CASES.tsv) */
    want =
        test_read_file(TESTDATA_DIR "/libvirt/xml2vmx/xml2vmx-minimal-64bit.vmx", NULL);
    cr_assert_not_null(want);
    back =
        download(vpx_uri(NULL), "[LocalDS_0] minimal-64bit/minimal-64bit.vmx", &rc, &err);
    cr_assert_eq(rc, 0, "%s", err.message);
    cr_assert_str_eq(back, want);
    free(back);
    free(want);
}
