/* Unit tests of the sync module's SOAP layer, URI parsing and question policy
 * on exchanges recorded from the simulator (testdata/sync/README.md). No
 * network. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cli_run.h"
#include "sync_private.h"

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
