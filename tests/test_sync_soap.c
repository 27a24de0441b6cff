/* Unit tests of the sync module's SOAP layer, URI parsing and question policy
 * on exchanges recorded from the simulator (testdata/sync/README.md), and
 * allocation-failure loops over them. No network, except the last loop,
 * which runs a whole session against tests/vcsim on 127.0.0.1. */
#include <criterion/criterion.h>
#include <unistd.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cli_run.h"
#include "sync_private.h"
#include "test_sync_server.h"

static char *load(const char *name, size_t *len)
{
    char path[512];
    char *p;

    snprintf(path, sizeof(path), "%s/sync/%s", TESTDATA_DIR, name);
    p = test_read_file(path, len);
    cr_assert_not_null(p, "cannot read %s", path);
    return p;
}

/* Strip the final newline the recorded files carry. */
static size_t chomp(char *s, size_t len)
{
    while (len && s[len - 1] == '\n')
        s[--len] = '\0';
    return len;
}

Test(sync_soap, envelope_matches_recorded_request)
{
    static const vmx__moref si = {"ServiceInstance", "ServiceInstance"};
    static const vmx__moref vm = {"VirtualMachine", "vm-80"};
    vmx_buf b = VMX_BUF_INIT;
    size_t len;
    char *want = load("retrieve_service_content.request.xml", &len);

    chomp(want, len);
    cr_assert_eq(vmx__soap_envelope(&b, "RetrieveServiceContent", &si, NULL), 0);
    cr_assert_str_eq(b.ptr, want);
    free(want);
    vmx_buf_clear(&b);
    want = load("power_on.request.xml", &len);
    chomp(want, len);
    cr_assert_eq(vmx__soap_envelope(&b, "PowerOnVM_Task", &vm, NULL), 0);
    cr_assert_str_eq(b.ptr, want);
    free(want);
    vmx_buf_dispose(&b);
}

Test(sync_soap, envelope_escapes_arguments)
{
    static const vmx__moref vm = {"Virtual\"Machine", "vm<1>&"};
    vmx_buf b = VMX_BUF_INIT;

    cr_assert_eq(vmx__soap_envelope(&b, "X", &vm, "<a>1</a>"), 0);
    cr_assert(strstr(b.ptr, "<X xmlns=\"urn:vim25\"><_this type=\"Virtual&quot;Machine\">"
                            "vm&lt;1&gt;&amp;</_this><a>1</a></X>"),
              "%s", b.ptr);
    vmx_buf_dispose(&b);
}

Test(sync_soap, redaction_hides_every_password)
{
    static const char in[] = "<userName>u</userName><password>p&amp;1</password>"
                             "<x/><password>second</password>";
    vmx_buf b = VMX_BUF_INIT;
    size_t len;
    char *rec = load("login.request.redacted.xml", &len);

    cr_assert_eq(vmx__soap_redact(&b, in, strlen(in)), 0);
    cr_assert_str_eq(b.ptr, "<userName>u</userName><password>***</password>"
                            "<x/><password>***</password>");
    cr_assert(strstr(rec, "<password>***</password>"));
    vmx_buf_dispose(&b);
    free(rec);
}

Test(sync_soap, service_content_response_parses)
{
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp, *ret;
    vmx__moref m;
    size_t len;
    char *data = load("retrieve_service_content.response.xml", &len);

    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, data, len, NULL), 0);
    cr_assert_str_eq((const char *)resp->name, "RetrieveServiceContentResponse");
    ret = vmx__xml_child(resp, "returnval");
    cr_assert_eq(vmx__xml_moref(&m, vmx__xml_child(ret, "propertyCollector")), 0);
    cr_assert_str_eq(m.type, "PropertyCollector");
    cr_assert_str_eq(m.value, "propertyCollector");
    cr_assert_str_eq(
        vmx__xml_text(vmx__xml_child(vmx__xml_child(ret, "about"), "apiType")),
        "VirtualCenter");
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, local_xsi_prefix_is_resolved_by_namespace)
{
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp, *objects, *val;
    size_t len;
    char *data = load("task_error.response.xml", &len);

    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, data, len, NULL), 0);
    objects = vmx__xml_child(vmx__xml_child(resp, "returnval"), "objects");
    val = vmx__props_val(objects, "info.state");
    cr_assert_str_eq(vmx__xml_xsi_type(val), "TaskInfoState");
    cr_assert_str_eq(vmx__xml_text(val), "error");
    val = vmx__props_val(objects, "info.error");
    cr_assert_str_eq(vmx__xml_xsi_type(vmx__xml_child(val, "fault")),
                     "InvalidPowerState");
    cr_assert_str_eq(vmx__xml_xsi_type(vmx__props_val(objects, "info.cancelable")),
                     "boolean");
    cr_assert_null(vmx__props_val(objects, "info.result"));
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, fault_is_translated_with_type_and_message)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp;
    size_t len;
    char *data = load("login_fault.response.xml", &len);

    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, data, len, &err), VMX_EFAULT);
    cr_assert_str_eq(f.type, "InvalidLogin");
    cr_assert_str_eq(f.message, "Login failure");
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, missing_set_not_authenticated_is_detected)
{
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp;
    size_t len;
    char *data = load("not_authenticated.response.xml", &len);
    char *ok = load("task_running.response.xml", &len);

    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, data, strlen(data), NULL), 0);
    cr_assert(vmx__props_not_authenticated(resp));
    xmlFreeDoc(doc);
    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, ok, strlen(ok), NULL), 0);
    cr_assert_not(vmx__props_not_authenticated(resp));
    xmlFreeDoc(doc);
    free(data);
    free(ok);
}

Test(sync_soap, garbage_and_non_soap_answers_are_parse_errors)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp;

    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, "<html>", 6, &err), VMX_EPARSE);
    cr_assert(strstr(err.message, "unreadable SOAP answer"), "%s", err.message);
    vmx_error_clear(&err);
    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, "<Envelope/>", 11, &err), VMX_EPARSE);
    cr_assert_str_eq(err.message, "answer is not a SOAP envelope");
}

/* libxml2 reports a failed encoding conversion outside the parser context,
 * on stderr unless captured: nothing may reach stderr, the message says it */
Test(sync_soap, bad_encoding_in_an_answer_prints_nothing)
{
    static const char answer[] = "<?xml version='1.0' encoding='GBK'?>\n"
                                 "<soapenv:Envelope xmlns:soapenv="
                                 "'http://schemas.xmlsoap.org/soap/envelope/'>"
                                 "<soapenv:Body>\xff\xff\xff</soapenv:Body>"
                                 "</soapenv:Envelope>";
    vmx_error err = VMX_ERROR_INIT;
    vmx__fault f;
    xmlDoc *doc;
    xmlNode *resp;
    FILE *cap = tmpfile();
    int saved, rc;
    long printed;

    /* stderr goes to a file for the call (Criterion's redirection leaks) */
    cr_assert_not_null(cap);
    fflush(stderr);
    saved = dup(STDERR_FILENO);
    cr_assert_geq(saved, 0);
    cr_assert_geq(dup2(fileno(cap), STDERR_FILENO), 0);
    rc = vmx__soap_parse(&doc, &resp, &f, answer, sizeof(answer) - 1, &err);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    printed = ftell(cap) >= 0 && fseek(cap, 0, SEEK_END) == 0 ? ftell(cap) : -1;
    fclose(cap);
    cr_assert_eq(rc, VMX_EPARSE);
    cr_assert(strstr(err.message, "unreadable SOAP answer: "), "%s", err.message);
    cr_assert(strstr(err.message, "conversion failed"), "%s", err.message);
    cr_assert_null(strchr(err.message, '\n'), "%s", err.message);
    cr_assert_eq(printed, 0, "libxml2 printed %ld bytes on stderr", printed);
}

/* The recorded runtime.question, and a session with a given policy. */
static xmlNode *question(xmlDoc **doc, char **data)
{
    vmx__fault f;
    xmlNode *resp;
    size_t len;

    *data = load("question.response.xml", &len);
    cr_assert_eq(vmx__soap_parse(doc, &resp, &f, *data, len, NULL), 0);
    return vmx__props_val(vmx__xml_child(vmx__xml_child(resp, "returnval"), "objects"),
                          "runtime.question");
}

Test(sync_soap, question_auto_answer_takes_the_default)
{
    vmx_sync_session s;
    char *choice, *qid, *data;
    xmlDoc *doc;
    xmlNode *q = question(&doc, &data);

    memset(&s, 0, sizeof(s));
    s.uri.auto_answer = true;
    cr_assert_eq(vmx__question_choose(&choice, &qid, &s, q, "vm", NULL), 0);
    cr_assert_str_eq(choice, "2");
    cr_assert_str_eq(qid, "_vmx3");
    vmx__free(choice);
    vmx__free(qid);
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, question_answers_file_overrides_and_must_match)
{
    static const char answers[] =
        "# comment\nmsg.uuid.altered = \"button.uuid.movedTheVM\"\n";
    vmx_error err = VMX_ERROR_INIT;
    vmx_sync_session s;
    char *choice, *qid, *data;
    xmlDoc *doc;
    xmlNode *q = question(&doc, &data);

    memset(&s, 0, sizeof(s));
    cr_assert_eq(vmx__answers_parse(&s, answers, strlen(answers), "answers", NULL), 0);
    cr_assert_eq(vmx__question_choose(&choice, &qid, &s, q, "vm", NULL), 0);
    cr_assert_str_eq(choice, "1");
    vmx__free(choice);
    vmx__free(qid);
    vmx__free(s.answers[0].choice);
    s.answers[0].choice = vmx__strdup("Maybe");
    cr_assert_eq(vmx__question_choose(&choice, &qid, &s, q, "vm", &err), VMX_EFAULT);
    cr_assert(strstr(err.message,
                     "the answer 'Maybe' matches no choice (0 Cancel, 1 I Moved "
                     "It, 2 I Copied It (default))"),
              "%s", err.message);
    cr_assert_str_eq(err.key, "msg.uuid.altered");
    vmx__free(s.answers[0].message_id);
    vmx__free(s.answers[0].choice);
    vmx__free(s.answers);
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, question_without_policy_is_reported_with_choices)
{
    vmx_error err = VMX_ERROR_INIT;
    vmx_sync_session s;
    char *choice, *qid, *data;
    xmlDoc *doc;
    xmlNode *q = question(&doc, &data);

    memset(&s, 0, sizeof(s));
    cr_assert_eq(vmx__question_choose(&choice, &qid, &s, q, "web", &err), VMX_EFAULT);
    cr_assert(
        strstr(err.message, "virtual machine 'web' asks \"This virtual machine might"),
        "%s", err.message);
    cr_assert(strstr(err.message,
                     "If you don't know, answer \"I Copied It\".\" (choices: 0 "
                     "Cancel, 1 I Moved It, 2 I Copied It (default)); auto_answer "
                     "is off"),
              "%s", err.message);
    xmlFreeDoc(doc);
    free(data);
}

Test(sync_soap, answers_file_syntax_error_has_a_line)
{
    static const char bad[] = "msg.a = \"x\"\nnot an entry\n";
    vmx_error err = VMX_ERROR_INIT;
    vmx_sync_session s;

    memset(&s, 0, sizeof(s));
    cr_assert_eq(vmx__answers_parse(&s, bad, strlen(bad), "answers.txt", &err),
                 VMX_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.source, "answers.txt");
    cr_assert_str_eq(err.message, "expected 'key = \"value\"'");
}

Test(sync_uri, esx_defaults)
{
    vmx__uri u;

    cr_assert_eq(vmx__uri_parse(&u, "esx://root@esx1.example.com/", NULL), 0);
    cr_assert_str_eq(u.scheme, "esx");
    cr_assert_str_eq(u.user, "root");
    cr_assert_str_eq(u.host, "esx1.example.com");
    cr_assert_eq(u.port, 443);
    cr_assert(u.https);
    cr_assert_not(u.no_verify);
    cr_assert_not(u.auto_answer);
    cr_assert_str_eq(u.path, "");
    vmx__uri_dispose(&u);
}

Test(sync_uri, vpx_path_and_parameters)
{
    vmx__uri u;

    cr_assert_eq(
        vmx__uri_parse(&u,
                       "vpx://adm%40corp@vc:8443/f1/dc%20one/cl/h1/?transport=http&"
                       "no_verify=1&auto_answer=1&proxy=socks5://px:1080&"
                       "thumbprint=aa:BB:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:"
                       "aa:bb:cc:dd&cafile=/etc/ca.pem",
                       NULL),
        0);
    cr_assert_str_eq(u.user, "adm@corp");
    cr_assert_eq(u.port, 8443);
    cr_assert_str_eq(u.path, "f1/dc one/cl/h1");
    cr_assert_not(u.https);
    cr_assert(u.no_verify);
    cr_assert(u.auto_answer);
    cr_assert_str_eq(u.proxy, "socks5://px:1080");
    cr_assert_str_eq(u.thumbprint, "AABBCCDDEEFF00112233445566778899AABBCCDD");
    cr_assert_str_eq(u.cafile, "/etc/ca.pem");
    vmx__uri_dispose(&u);
}

Test(sync_uri, gsx_http_port)
{
    vmx__uri u;

    cr_assert_eq(vmx__uri_parse(&u, "gsx://h?transport=http", NULL), 0);
    cr_assert_eq(u.port, 8222);
    vmx__uri_dispose(&u);
}

Test(sync_uri, errors_name_the_problem)
{
    static const struct {
        const char *uri, *message;
    } cases[] = {
        {"http://h/", "unsupported URI scheme 'http' (esx, vpx or gsx)"},
        {"esx://root:pw@h/", "the URI must not hold a password: use VMXKIT_PASSWORD or "
                             "--password-file"},
        {"esx://h/?bogus=1", "unknown URI parameter 'bogus'"},
        {"esx://h/?no_verify=yes", "URI parameter no_verify must be 0 or 1, not 'yes'"},
        {"esx://h/?transport=ftp", "transport must be http or https, not 'ftp'"},
        {"esx://h/?proxy=ftp://p",
         "proxy type must be http, socks, socks4, socks4a or socks5"},
        {"esx://h/?thumbprint=abc",
         "thumbprint must be a SHA-1 (40 hex digits) or SHA-256 "
         "(64 hex digits) digest, got 3 digits"},
        {"esx://h:99999/", "invalid port in URI 'esx://h:99999/'"},
        {"vpx://vc/", "vpx URI needs a path: vpx://vcenter/[folder/...]datacenter/"
                      "[folder/...][cluster/]host"},
        {"esx://h/dc", "esx URI takes no path, only a host"},
        {"esx:///", "URI 'esx:///' names no host"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        vmx_error err = VMX_ERROR_INIT;
        vmx__uri u;

        cr_assert_eq(vmx__uri_parse(&u, cases[i].uri, &err), VMX_EINVAL, "%s",
                     cases[i].uri);
        cr_assert_str_eq(err.message, cases[i].message, "%s", cases[i].uri);
    }
}

Test(sync_vmx, keys_values_last_wins_and_comments)
{
    static const char in[] =
        "# c\r\n a = \"1\"\nB.c = unquoted # trailing\nA = \"2\"\n\n";
    vmx__kvlist l;

    cr_assert_eq(vmx__kv_parse(&l, in, strlen(in), "x.vmx", NULL), 0);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(vmx__kv_get(&l, "a"), "2");
    cr_assert_str_eq(vmx__kv_get(&l, "b.C"), "unquoted");
    vmx__kv_dispose(&l);
}

Test(sync_vmx, unterminated_quote_has_a_line)
{
    static const char in[] = "a = \"1\"\nb = \"2\n";
    vmx_error err = VMX_ERROR_INIT;
    vmx__kvlist l;

    cr_assert_eq(vmx__kv_parse(&l, in, strlen(in), "x.vmx", &err), VMX_EPARSE);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.message, "unterminated quoted value");
}

Test(sync_vmx, keys_a_host_takes_only_from_the_file)
{
    static const char *const file_only[] = {"ethernet0.virtualDev",
                                            "ETHERNET12.present",
                                            "ethernet0",
                                            "scsi0.present",
                                            "scsi0:1.fileName",
                                            "ide1:0.deviceType",
                                            "sata0:0.present",
                                            "nvme0:0.fileName",
                                            "floppy0.present",
                                            "serial0.fileType",
                                            "parallel0.present",
                                            "pciBridge4.functions",
                                            "vmci0.present",
                                            "hpet0.present",
                                            "usb.present",
                                            "usb:0.deviceType",
                                            "usb_xhci.present",
                                            "usb_xhci:4.present",
                                            "ehci.present",
                                            "ehci:0.deviceType",
                                            "sound.present",
                                            "svga.vramSize",
                                            "virtualHW.productCompatibility",
                                            "virtualHW.version",
                                            "uuid.bios",
                                            "vc.uuid",
                                            "firmware",
                                            "tools.syncTime",
                                            "cpuid.coresPerSocket",
                                            "sched.mem.min",
                                            "powerType.powerOff",
                                            "vhv.enable"};
    static const char *const extra_config[] = {"guestinfo.role",
                                               "memsize",
                                               "numvcpus",
                                               "displayName",
                                               "annotation",
                                               "ethernet.present",
                                               "ethernetX.present",
                                               "scsi.present",
                                               "usb0.present",
                                               "soundcard.present",
                                               "svga2.present",
                                               "tools.remindInstall",
                                               "sched",
                                               "isolation.tools.copy.disable",
                                               "uuid.action",
                                               "nvramx",
                                               "ethernet0x.present"};
    size_t i;

    for (i = 0; i < sizeof(file_only) / sizeof(file_only[0]); i++)
        cr_assert(vmx__kv_needs_reload(file_only[i]), "%s", file_only[i]);
    for (i = 0; i < sizeof(extra_config) / sizeof(extra_config[0]); i++)
        cr_assert_not(vmx__kv_needs_reload(extra_config[i]), "%s", extra_config[i]);
}

static bool skip_encoding(const char *key)
{
    return strcmp(key, ".encoding") == 0;
}

/* Merge @want into @host and return the result (caller frees). */
static char *merge(const char *host, const char *want)
{
    vmx__kvlist l;
    vmx_buf b = VMX_BUF_INIT;
    char *out;

    cr_assert_eq(vmx__kv_parse(&l, want, strlen(want), "want.vmx", NULL), 0);
    cr_assert_eq(vmx__kv_merge(&b, host, strlen(host), &l, skip_encoding, NULL), 0);
    vmx__kv_dispose(&l);
    out = strdup(b.ptr ? b.ptr : "");
    vmx_buf_dispose(&b);
    return out;
}

Test(sync_vmx, merge_replaces_values_keeps_host_keys_and_appends_new_ones)
{
    static const struct {
        const char *host, *want, *merged;
    } cases[] = {
        /* host-only keys and comments stay, the host's spelling of a key */
        {".encoding = \"UTF-8\"\n# c\nuuid.bios = \"56 4d\"\n  Ethernet0.virtualDev = "
         "\"e1000\" # old\nmemsize = \"512\"\n",
         ".encoding = \"windows-1252\"\nethernet0.virtualDev = \"vmxnet3\"\n"
         "scsi0.present = \"TRUE\"\nmemsize = \"512\"\n",
         ".encoding = \"UTF-8\"\n# c\nuuid.bios = \"56 4d\"\n  Ethernet0.virtualDev = "
         "\"vmxnet3\"\nmemsize = \"512\"\nscsi0.present = \"TRUE\"\n"},
        /* CRLF kept, appended lines too; a duplicate key replaced twice */
        {"a = \"1\"\r\nb = \"2\"\r\na = \"3\"\r\n", "a = \"9\"\nc = \"x|0Ay\"\n",
         "a = \"9\"\r\nb = \"2\"\r\na = \"9\"\r\nc = \"x|0Ay\"\r\n"},
        /* no final newline; an unquoted value with a quote */
        {"a = \"1\"\nb = \"2\"", "b = 3\"4\nd = \"\"\n",
         "a = \"1\"\nb = \"3|224\"\nd = \"\"\n"},
        /* an empty host file */
        {"", "a = \"1\"\n", "a = \"1\"\n"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = merge(cases[i].host, cases[i].want);

        cr_assert_str_eq(got, cases[i].merged, "case %zu", i);
        free(got);
    }
}

Test(sync_http, url_escape_for_folder_paths)
{
    vmx_buf b = VMX_BUF_INIT;

    cr_assert_eq(vmx__url_escape(&b, "db 1+2%25/\xc3\xa9.vmx", true), 0);
    cr_assert_str_eq(b.ptr, "db%201%2B2%2525/%C3%A9.vmx");
    vmx_buf_clear(&b);
    cr_assert_eq(vmx__url_escape(&b, "a/b&c=d", false), 0);
    cr_assert_str_eq(b.ptr, "a%2Fb%26c%3Dd");
    vmx_buf_dispose(&b);
}

Test(sync_soap, redaction_hides_the_session_key_and_session_ids)
{
    vmx_buf b = VMX_BUF_INIT;
    size_t len;
    char *login = load("login.response.xml", &len);
    char *view, *key, *end;

    /* the recorded key (also the session cookie's value) */
    key = strstr(login, "<key>");
    cr_assert_not_null(key);
    key += 5;
    end = strstr(key, "</key>");
    cr_assert_not_null(end);
    *end = '\0';
    key = vmx__strdup(key);
    *end = '<';
    cr_assert_eq(vmx__soap_redact(&b, login, len), 0);
    cr_assert(strstr(b.ptr, "<returnval><key>***</key><userName>root</userName>"), "%s",
              b.ptr);
    cr_assert_null(strstr(b.ptr, key));
    cr_assert_eq(b.len, len - strlen(key) + 3);
    vmx_buf_clear(&b);
    view = load("create_container_view.response.xml", &len);
    cr_assert(strstr(view, key));
    cr_assert_eq(vmx__soap_redact(&b, view, len), 0);
    cr_assert(strstr(b.ptr, "<returnval type=\"ContainerView\">session[***]"), "%s",
              b.ptr);
    cr_assert_null(strstr(b.ptr, key));
    vmx__free(key);
    vmx_buf_dispose(&b);
    free(login);
    free(view);
}

/* --- allocation failure: the Nth allocation fails, for every N.
 *
 * This program builds lib/sync with its own copy of lib/util.c, as
 * libvmxkit-sync does, so vmx__alloc_fail_after() below is that copy's hook
 * and fails the sync module's allocations. (In libvmxkit-sync.so the hook is
 * hidden: the library exports only vmx_sync_*.) libvmxkit's own allocations
 * (escaping, file reads) go through libvmxkit's copy, reached with
 * dlsym(RTLD_NEXT). Allocations of libcurl, OpenSSL and libxml2 use the
 * system allocator and do not fail here. */
void vmx__alloc_fail_after(long n);

typedef void (*fail_after_fn)(long n);

/* One call of an entry point: 0 and its outcome as text in *out (caller
 * frees), or VMX_ENOMEM. */
typedef int (*alloc_entry)(char **out, const void *ctx, vmx_error *err);

/* A failure in a best-effort step (Logout, DestroyView) is ignored by
 * design, so the first call that succeeds does not prove that later
 * allocations were reached: the loop goes on until this many calls in a row
 * succeed with the undisturbed outcome. */
#define ALLOC_TAIL 40
#define ALLOC_MAX 20000L

static long fail_each_allocation(const char *what, fail_after_fn fail_after,
                                 alloc_entry fn, const void *ctx)
{
    vmx_error err = VMX_ERROR_INIT;
    char *want = NULL, *got;
    long n, failures = 0;
    int rc, tail = 0;

    rc = fn(&want, ctx, &err);
    cr_assert_eq(rc, 0, "%s: %d %s", what, rc, err.message);
    for (n = 1; n < ALLOC_MAX && tail < ALLOC_TAIL; n++) {
        vmx_error_clear(&err);
        got = NULL;
        fail_after(n);
        rc = fn(&got, ctx, &err);
        fail_after(0);
        if (rc == 0) {
            cr_assert_str_eq(got, want, "%s, allocation %ld: a failure was swallowed",
                             what, n);
            free(got);
            tail++;
            continue;
        }
        cr_assert_eq(rc, VMX_ENOMEM, "%s, allocation %ld: rc %d (%s)", what, n, rc,
                     err.message);
        cr_assert_eq(err.code, VMX_ENOMEM, "%s, allocation %ld: no error record", what,
                     n);
        cr_assert(strstr(err.message, "out of memory"), "%s, allocation %ld: '%s'", what,
                  n, err.message);
        cr_assert_null(got, "%s, allocation %ld: output despite the failure", what, n);
        failures++;
        tail = 0;
    }
    cr_assert_lt(n, ALLOC_MAX, "%s never succeeded", what);
    fprintf(stderr, "[----] %s: %ld allocation failures, each a clean VMX_ENOMEM\n", what,
            failures);
    free(want);
    return failures;
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s ? s : "(null)");

    cr_assert_not_null(p);
    return p;
}

static int entry_uri(char **out, const void *ctx, vmx_error *err)
{
    char buf[1024];
    vmx__uri u;
    int rc;

    if ((rc = vmx__uri_parse(&u, ctx, err)) < 0)
        return rc;
    snprintf(buf, sizeof(buf), "%s|%s|%s|%d|%s|%d%d%d|%s|%s|%s", u.scheme,
             u.user ? u.user : "-", u.host, u.port, u.path ? u.path : "-", u.https,
             u.no_verify, u.auto_answer, u.proxy ? u.proxy : "-",
             u.thumbprint ? u.thumbprint : "-", u.cafile ? u.cafile : "-");
    vmx__uri_dispose(&u);
    *out = xstrdup(buf);
    return 0;
}

static int entry_envelope(char **out, const void *ctx, vmx_error *err)
{
    static const vmx__moref vm = {"VirtualMachine", "vm-80"};
    vmx_buf b = VMX_BUF_INIT;
    int rc;

    (void)ctx;
    if ((rc = vmx__soap_envelope(&b, "ReconfigVM_Task", &vm,
                                 "<spec><memoryMB>1024</memoryMB></spec>")) < 0) {
        vmx_buf_dispose(&b);
        return vmx_error_set(err, rc, NULL, 0, NULL, "out of memory");
    }
    *out = xstrdup(b.ptr);
    vmx_buf_dispose(&b);
    return 0;
}

/* Redaction of every recorded file that has something to hide. */
static int entry_redact(char **out, const void *ctx, vmx_error *err)
{
    static const char *const files[] = {"login.response.xml",
                                        "create_container_view.response.xml",
                                        "login.request.redacted.xml"};
    vmx_buf all = VMX_BUF_INIT;
    size_t i, len;
    int rc = 0;

    (void)ctx;
    for (i = 0; i < sizeof(files) / sizeof(files[0]) && rc == 0; i++) {
        vmx_buf b = VMX_BUF_INIT;
        char *data = load(files[i], &len);

        rc = vmx__soap_redact(&b, data, len);
        if (rc == 0)
            vmx_buf_put(&all, b.ptr, b.len);
        vmx_buf_dispose(&b);
        free(data);
    }
    if (rc == 0 && all.failed)
        rc = VMX_ENOMEM;
    if (rc == 0)
        *out = xstrdup(all.ptr);
    vmx_buf_dispose(&all);
    return rc < 0 ? vmx_error_set(err, rc, NULL, 0, NULL, "out of memory") : 0;
}

/* Parse each recorded answer, and choose the answer to the question with an
 * answers file. */
static int entry_parse_and_choose(char **out, const void *ctx, vmx_error *err)
{
    static const char *const files[] = {"retrieve_service_content.response.xml",
                                        "question.response.xml",
                                        "task_running.response.xml",
                                        "task_error.response.xml",
                                        "login_fault.response.xml",
                                        "not_authenticated.response.xml",
                                        "login.response.xml",
                                        "query_config_option_descriptor.response.xml"};
    static const char answers[] = "msg.uuid.altered = \"button.uuid.movedTheVM\"\n";
    vmx_sync_session s;
    char *choice = NULL, *qid = NULL, *data, buf[256];
    xmlDoc *doc;
    xmlNode *resp, *q;
    vmx__fault f;
    size_t i, len;
    int rc, codes = 0;

    (void)ctx;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        data = load(files[i], &len);
        rc = vmx__soap_parse(&doc, &resp, &f, data, len, err);
        if (rc != 0 && rc != VMX_EFAULT) {
            free(data);
            return rc;
        }
        codes = codes * 2 + (rc == VMX_EFAULT);
        xmlFreeDoc(doc);
        free(data);
    }
    memset(&s, 0, sizeof(s));
    if ((rc = vmx__answers_parse(&s, answers, strlen(answers), "answers", err)) < 0)
        return rc;
    data = load("question.response.xml", &len);
    cr_assert_eq(vmx__soap_parse(&doc, &resp, &f, data, len, NULL), 0);
    q = vmx__props_val(vmx__xml_child(vmx__xml_child(resp, "returnval"), "objects"),
                       "runtime.question");
    rc = vmx__question_choose(&choice, &qid, &s, q, "vm", err);
    xmlFreeDoc(doc);
    free(data);
    for (i = 0; i < s.nanswers; i++) {
        vmx__free(s.answers[i].message_id);
        vmx__free(s.answers[i].choice);
    }
    vmx__free(s.answers);
    if (rc < 0)
        return rc;
    snprintf(buf, sizeof(buf), "faults %x, choice %s, question %s", codes, choice, qid);
    vmx__free(choice);
    vmx__free(qid);
    *out = xstrdup(buf);
    return 0;
}

/* 100,000 keys (the parser's cap) on both sides: the key index keeps the
 * parse, the lookups and the merge linear; a scan per key took minutes.
 * (No .timeout: Criterion 2.4 leaks a runner allocation when two tests
 * with a timeout run at once, which LeakSanitizer reports.) */
Test(sync_vmx, many_keys_stay_linear)
{
    const size_t n = 100000;
    vmx_buf text = VMX_BUF_INIT, merged = VMX_BUF_INIT;
    vmx_error err = VMX_ERROR_INIT;
    vmx__kvlist l;
    char key[32];
    size_t i;

    for (i = 0; i < n; i++)
        vmx_buf_printf(&text, "k%zu.x = \"%zu\"\n", i, i);
    cr_assert_not(text.failed);
    cr_assert_eq(vmx__kv_parse(&l, text.ptr, text.len, "big.vmx", &err), 0, "%s",
                 err.message);
    cr_assert_eq(l.n, n);
    for (i = 0; i < n; i += 997) {
        snprintf(key, sizeof(key), "K%zu.X", i);
        cr_assert_not_null(vmx__kv_get(&l, key), "%s", key);
        cr_assert_eq(strtoul(vmx__kv_get(&l, key), NULL, 10), i);
    }
    cr_assert_null(vmx__kv_get(&l, "k100000.x"));
    /* the host holds every key with another value: each is replaced */
    for (i = 0; i < text.len; i++)
        if (text.ptr[i] == '"' && text.ptr[i + 1] != '\n')
            text.ptr[i + 1] = text.ptr[i + 1] == '9' ? '8' : '9';
    cr_assert_eq(vmx__kv_merge(&merged, text.ptr, text.len, &l, NULL, &err), 0, "%s",
                 err.message);
    cr_assert_eq(merged.len, text.len);
    cr_assert_not_null(strstr(merged.ptr, "k99999.x = \"99999\"\n"));
    vmx__kv_dispose(&l);
    vmx_buf_dispose(&text);
    vmx_buf_dispose(&merged);
}

static int entry_kv(char **out, const void *ctx, vmx_error *err)
{
    static const char vmx[] = ".encoding = \"UTF-8\"\n# c\nA = \"1\"\nb.c = \"x|22y\"\n"
                              "a = \"2\"\nethernet0.present = \"TRUE\"\n";
    static const char host[] = "a = \"0\"\r\nuuid.bios = \"56\"\r\n";
    vmx__kvlist l;
    vmx_buf m = VMX_BUF_INIT;
    char buf[512];
    int rc;

    (void)ctx;
    if ((rc = vmx__kv_parse(&l, vmx, strlen(vmx), "x.vmx", err)) < 0)
        return rc;
    if ((rc = vmx__kv_merge(&m, host, strlen(host), &l, NULL, err)) < 0) {
        vmx__kv_dispose(&l);
        vmx_buf_dispose(&m);
        return rc;
    }
    snprintf(buf, sizeof(buf), "%zu %s %s|%s", l.n, vmx__kv_get(&l, "a"),
             vmx__kv_get(&l, "B.C"), m.ptr);
    vmx__kv_dispose(&l);
    vmx_buf_dispose(&m);
    *out = xstrdup(buf);
    return 0;
}

Test(sync_alloc, uri_soap_and_policy_on_recorded_files)
{
    static const char uri[] =
        "vpx://adm%40corp@vc:8443/f1/dc%20one/cl/h1/?transport=http&no_verify=1&"
        "auto_answer=1&proxy=socks5://px:1080&thumbprint=aa:BB:cc:dd:ee:ff:00:11:22:33:"
        "44:55:66:77:88:99:aa:bb:cc:dd&cafile=/etc/ca.pem";
    long n;

    n = fail_each_allocation("uri", vmx__alloc_fail_after, entry_uri, uri);
    cr_assert_gt(n, 5, "only %ld allocations in URI parsing", n);
    n = fail_each_allocation("envelope", vmx__alloc_fail_after, entry_envelope, NULL);
    cr_assert_gt(n, 0);
    n = fail_each_allocation("redact", vmx__alloc_fail_after, entry_redact, NULL);
    cr_assert_gt(n, 3);
    n = fail_each_allocation("parse and choose", vmx__alloc_fail_after,
                             entry_parse_and_choose, NULL);
    cr_assert_gt(n, 3);
    n = fail_each_allocation("vmx keys", vmx__alloc_fail_after, entry_kv, NULL);
    cr_assert_gt(n, 3);
}

/* --- against the test server: a whole session */

static const char alloc_web_vmx[] = ".encoding = \"UTF-8\"\n"
                                    "displayName = \"web 1+2%\"\n"
                                    "memsize = \"512\"\n";
static const char alloc_vm0_vmx[] = "displayName = \"DC0_H0_VM0\"\n"
                                    "memsize = \"4096\"\n"
                                    "annotation = \"a|0ab\"\n"
                                    "guestinfo.role = \"db\"\n";
/* Two definitions of DC0_H0_VM1 (powered off first) that differ in a device
 * key: pushing one then the other merges, uploads and reloads each time. */
static const char alloc_vm1_a_vmx[] = "displayName = \"DC0_H0_VM1\"\n"
                                      "numvcpus = \"2\"\n"
                                      "ethernet0.virtualDev = \"e1000e\"\n"
                                      "guestinfo.role = \"db\"\n";
static const char alloc_vm1_b_vmx[] = "displayName = \"DC0_H0_VM1\"\n"
                                      "numvcpus = \"2\"\n"
                                      "ethernet0.virtualDev = \"vmxnet3\"\n"
                                      "guestinfo.role = \"db\"\n";

/* Connect, ask the default hardware version, plan a new VM and an update
 * of an existing one (read back over /folder), update a powered-off VM's
 * devices twice (merge, upload, Reload, ReconfigVM_Task), power on a VM
 * that is on (the task fails with InvalidPowerState), log out. */
static int entry_session(char **out, const void *ctx, vmx_error *err)
{
    vmx_sync_options o = VMX_SYNC_OPTIONS_INIT;
    vmx_sync_push_options po = VMX_SYNC_PUSH_OPTIONS_INIT;
    vmx_sync_push_options rpo = VMX_SYNC_PUSH_OPTIONS_INIT;
    vmx_sync_push_result r1 = VMX_SYNC_PUSH_RESULT_INIT, r2 = VMX_SYNC_PUSH_RESULT_INIT,
                         r3 = VMX_SYNC_PUSH_RESULT_INIT, r4 = VMX_SYNC_PUSH_RESULT_INIT;
    vmx_error perr = VMX_ERROR_INIT;
    vmx_sync_session *s = NULL;
    char buf[4096], *vm1 = NULL;
    int rc, prc, hw = 0;

    o.password = "secret";
    o.timeout_ms = 20000;
    po.dry_run = true;
    if ((rc = vmx_sync_connect(&s, ctx, &o, err)) < 0)
        return rc;
    if ((rc = vmx_sync_default_hw_version(&hw, s, err)) < 0 ||
        (rc = vmx_sync_push(&r1, s, alloc_web_vmx, strlen(alloc_web_vmx), "web.vmx", &po,
                            err)) < 0 ||
        (rc = vmx_sync_push(&r2, s, alloc_vm0_vmx, strlen(alloc_vm0_vmx), "vm0.vmx", &po,
                            err)) < 0)
        goto out;
    /* the reload path: each call ends with the VM at definition b */
    if ((rc = vmx_sync_push(&r3, s, alloc_vm1_a_vmx, strlen(alloc_vm1_a_vmx), "a.vmx",
                            &rpo, err)) < 0 ||
        (rc = vmx_sync_push(&r4, s, alloc_vm1_b_vmx, strlen(alloc_vm1_b_vmx), "b.vmx",
                            &rpo, err)) < 0 ||
        (rc = vmx_sync_download(&vm1, NULL, s, r4.datastore_path, err)) < 0)
        goto out;
    prc = vmx_sync_power(s, "DC0_H0_VM0", VMX_SYNC_POWER_ON, NULL, &perr);
    if (prc == VMX_ENOMEM) {
        rc = prc;
        *err = perr;
        goto out;
    }
    snprintf(buf, sizeof(buf), "hw %d; %d %s %s; %d %s %s %s; power %d %s; vm1 %d %s", hw,
             r1.action, r1.name, r1.datastore_path, r2.action, r2.name, r2.datastore_path,
             r2.changed_keys, prc, perr.message, r4.reloaded, vm1);
    *out = xstrdup(buf);
out:
    vmx_sync_push_result_dispose(&r1);
    vmx_sync_push_result_dispose(&r2);
    vmx_sync_push_result_dispose(&r3);
    vmx_sync_push_result_dispose(&r4);
    free(vm1);
    vmx_sync_session_free(s);
    return rc;
}

static vcsim alloc_srv;

static void alloc_fini(void)
{
    vcsim_stop(&alloc_srv);
}

Test(sync_alloc, whole_session_against_the_test_server, .fini = alloc_fini,
     .timeout = 600)
{
    char uri[512];
    fail_after_fn core =
        (fail_after_fn)(void (*)(void))dlsym(RTLD_NEXT, "vmx__alloc_fail_after");
    long n;

    vcsim_start(&alloc_srv, NULL);
    snprintf(uri, sizeof(uri), "vpx://root@127.0.0.1:%d/DC0/DC0_C0?thumbprint=%s",
             alloc_srv.port, alloc_srv.sha256);
    cr_assert_eq(vmx_sync_global_init(), 0);
    {
        vmx_sync_options o = VMX_SYNC_OPTIONS_INIT;
        vmx_sync_session *s = NULL;
        vmx_error err = VMX_ERROR_INIT;

        o.password = "secret";
        cr_assert_eq(vmx_sync_connect(&s, uri, &o, &err), 0, "%s", err.message);
        cr_assert_eq(vmx_sync_power(s, "DC0_H0_VM1", VMX_SYNC_POWER_OFF, NULL, &err), 0,
                     "%s", err.message);
        vmx_sync_session_free(s);
    }
    {
        /* the undisturbed session reaches the reload path */
        vmx_error err = VMX_ERROR_INIT;
        char *got = NULL;

        cr_assert_eq(entry_session(&got, uri, &err), 0, "%s", err.message);
        cr_assert(strstr(got, "; vm1 1 "), "%s", got);
        cr_assert(strstr(got, "ethernet0.virtualDev = \"vmxnet3\"\n"), "%s", got);
        free(got);
    }
    /* the sync module's allocations */
    n = fail_each_allocation("session", vmx__alloc_fail_after, entry_session, uri);
    cr_assert_gt(n, 50, "only %ld allocations failed", n);
    /* libvmxkit's, under the same calls */
    cr_assert_not_null(core, "libvmxkit's allocation hook not found");
    cr_assert_neq(core, vmx__alloc_fail_after);
    n = fail_each_allocation("session (libvmxkit)", core, entry_session, uri);
    cr_assert_gt(n, 0);
    vmx_sync_global_cleanup();
}
