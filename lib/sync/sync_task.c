/* Tasks and virtual machine questions, with the policy of doc/sync.md:
 *  - before a task: a pending question is answered (auto-answer on, or an
 *    --answers entry) and the task is not started, or it is reported; pending
 *    tasks are reported and nothing is started;
 *  - while waiting: the task's info.state and the VM's runtime.question sit
 *    in one property filter (WaitForUpdatesEx), so a question raised
 *    mid-wait is seen at once; it is answered, or reported and the task
 *    cancelled when it can be. */
#include "config.h"
#include "sync_private.h"

#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

/* ---- the --answers file: "message.id = choice" per line, # comments */

int vmx__answers_parse(vmx_sync_session *s, const char *buf, size_t len,
                       const char *source, vmx_error *err)
{
    vmx__kvlist kv;
    size_t i;
    int rc;

    if ((rc = vmx__kv_parse(&kv, buf, len, source, err)) < 0)
        return rc;
    if (kv.n) {
        s->answers = vmx__calloc(kv.n, sizeof(*s->answers));
        if (!s->answers) {
            vmx__kv_dispose(&kv);
            return vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        }
    }
    for (i = 0; i < kv.n; i++) {
        /* ownership moves to the session */
        s->answers[i].message_id = kv.items[i].key;
        s->answers[i].choice = kv.items[i].value;
        kv.items[i].key = kv.items[i].value = NULL;
        s->nanswers++;
    }
    vmx__kv_dispose(&kv);
    return 0;
}

static const char *answer_for(const vmx_sync_session *s, const char *message_id)
{
    size_t i;

    for (i = 0; i < s->nanswers; i++)
        if (strcmp(s->answers[i].message_id, message_id) == 0)
            return s->answers[i].choice;
    return NULL;
}

/* "0 Cancel, 1 I Moved It, 2 I Copied It (default)" */
static void describe_choices(vmx_buf *b, const xmlNode *choice, long def)
{
    const xmlNode *c;
    long i = 0;

    for (c = vmx__xml_child(choice, "choiceInfo"); c;
         c = vmx__xml_next(c, "choiceInfo"), i++) {
        vmx_buf_printf(b, "%s%s %s", i ? ", " : "",
                       vmx__xml_text(vmx__xml_child(c, "key")),
                       vmx__xml_text(vmx__xml_child(c, "label")));
        if (i == def)
            vmx_buf_puts(b, " (default)");
    }
}

int vmx__question_choose(char **choice, char **question_id, const vmx_sync_session *s,
                         const xmlNode *q, const char *vm_name, vmx_error *err)
{
    const xmlNode *ch = vmx__xml_child(q, "choice"), *c;
    const xmlNode *dn = vmx__xml_child(ch, "defaultIndex");
    const char *text = vmx__xml_text(vmx__xml_child(q, "text"));
    const char *msg = vmx__xml_text(vmx__xml_child(vmx__xml_child(q, "message"), "id"));
    const char *wanted, *pick = NULL;
    char msgbuf[128];
    vmx_buf d = VMX_BUF_INIT;
    long def = -1, i;
    int rc = 0;

    *choice = NULL;
    *question_id = NULL;
    if (dn) {
        long long v;

        if (vmx__parse_llong(&v, vmx__xml_text(dn)) == 0 && v >= 0 && v < 1000)
            def = (long)v;
    }
    /* ESX puts the message id in front of the text: "msg.uuid.altered:..." */
    if (!*msg && strncmp(text, "msg.", 4) == 0) {
        size_t n = strcspn(text, ": \n");

        if (n < sizeof(msgbuf)) {
            memcpy(msgbuf, text, n);
            msgbuf[n] = '\0';
            msg = msgbuf;
        }
    }
    if (strncmp(text, msg, strlen(msg)) == 0 && *msg && text[strlen(msg)] == ':')
        text += strlen(msg) + 1;
    wanted = *msg ? answer_for(s, msg) : NULL;
    if (wanted) {
        for (c = vmx__xml_child(ch, "choiceInfo"); c && !pick;
             c = vmx__xml_next(c, "choiceInfo")) {
            const char *key = vmx__xml_text(vmx__xml_child(c, "key"));

            if (strcmp(wanted, key) == 0 ||
                strcmp(wanted, vmx__xml_text(vmx__xml_child(c, "label"))) == 0 ||
                strcmp(wanted, vmx__xml_text(vmx__xml_child(c, "summary"))) == 0)
                pick = key;
        }
        if (!pick) {
            describe_choices(&d, ch, def);
            rc = vmx_error_set(
                err, VMX_EFAULT, NULL, 0, msg,
                "virtual machine '%s' asks \"%s\": the answer '%s' matches no "
                "choice (%s)",
                vm_name, text, wanted, d.ptr ? d.ptr : "");
            goto out;
        }
    } else if (s->uri.auto_answer) {
        for (c = vmx__xml_child(ch, "choiceInfo"), i = 0; c && !pick;
             c = vmx__xml_next(c, "choiceInfo"), i++)
            if (i == def)
                pick = vmx__xml_text(vmx__xml_child(c, "key"));
        if (!pick) {
            describe_choices(&d, ch, def);
            rc = vmx_error_set(
                err, VMX_EFAULT, NULL, 0, *msg ? msg : NULL,
                "virtual machine '%s' asks \"%s\" (choices: %s) and the question "
                "has no default answer: give one with --answers",
                vm_name, text, d.ptr ? d.ptr : "");
            goto out;
        }
    } else {
        describe_choices(&d, ch, def);
        rc = vmx_error_set(
            err, VMX_EFAULT, NULL, 0, *msg ? msg : NULL,
            "virtual machine '%s' asks \"%s\" (choices: %s); auto_answer is off", vm_name,
            text, d.ptr ? d.ptr : "");
        goto out;
    }
    if (!(*choice = vmx__strdup(pick)) ||
        !(*question_id = vmx__strdup(vmx__xml_text(vmx__xml_child(q, "id"))))) {
        vmx__free(*choice);
        *choice = NULL;
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    }
out:
    vmx_buf_dispose(&d);
    return rc;
}

static int answer_vm(vmx_sync_session *s, const vmx__moref *vm, const char *qid,
                     const char *choice, vmx_error *err)
{
    vmx_buf args = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    int rc;

    vmx_buf_puts(&args, "<questionId>");
    vmx__xml_put(&args, qid);
    vmx_buf_puts(&args, "</questionId><answerChoice>");
    vmx__xml_put(&args, choice);
    vmx_buf_puts(&args, "</answerChoice>");
    if (args.failed)
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
    else
        rc = vmx__soap_call(s, "AnswerVM", vm, args.ptr, &doc, &resp, err);
    xmlFreeDoc(doc);
    vmx_buf_dispose(&args);
    return rc;
}

/* Answer the question @q of @vm by the policy; an error quotes it. */
static int handle_question(vmx_sync_session *s, const vmx__moref *vm, const char *vm_name,
                           const xmlNode *q, vmx_error *err)
{
    char *choice = NULL, *qid = NULL;
    int rc;

    if ((rc = vmx__question_choose(&choice, &qid, s, q, vm_name, err)) == 0)
        rc = answer_vm(s, vm, qid, choice, err);
    vmx__free(choice);
    vmx__free(qid);
    return rc;
}

static bool task_pending(vmx_sync_session *s, const vmx__moref *task, char *desc,
                         size_t size)
{
    const char *props[] = {"info.state", "info.name", NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL;
    bool pending = false;

    if (vmx__props_get(s, task, props, &doc, &objects, NULL) == 0) {
        const char *st = vmx__xml_text(vmx__props_val(objects, "info.state"));

        if (strcmp(st, "queued") == 0 || strcmp(st, "running") == 0) {
            pending = true;
            snprintf(desc, size, "%s %s %s", task->value,
                     vmx__xml_text(vmx__props_val(objects, "info.name")), st);
        }
    }
    xmlFreeDoc(doc);
    return pending;
}

int vmx__task_precheck(vmx_sync_session *s, const vmx__moref *vm, const char *vm_name,
                       vmx_error *err)
{
    const char *props[] = {"runtime.question", "recentTask", NULL};
    xmlDoc *doc = NULL;
    xmlNode *objects = NULL, *q, *tasks, *t;
    vmx_buf pend = VMX_BUF_INIT;
    int rc;

    if ((rc = vmx__props_get(s, vm, props, &doc, &objects, err)) < 0)
        return rc;
    q = vmx__props_val(objects, "runtime.question");
    if (q && vmx__xml_child(q, "id")) {
        rc = handle_question(s, vm, vm_name, q, err);
        if (rc == 0)
            rc = 1; /* answered: the blocked task may now do the work */
        goto out;
    }
    tasks = vmx__props_val(objects, "recentTask");
    for (t = vmx__xml_child(tasks, "ManagedObjectReference"); t;
         t = vmx__xml_next(t, "ManagedObjectReference")) {
        vmx__moref tm;
        char desc[256];

        if (vmx__xml_moref(&tm, t) == 0 && task_pending(s, &tm, desc, sizeof(desc)))
            vmx_buf_printf(&pend, "%s%s", pend.len ? ", " : "", desc);
    }
    if (pend.len) {
        rc = vmx_error_set(err, VMX_EFAULT, NULL, 0, NULL,
                           "virtual machine '%s' has pending tasks (%s); nothing started",
                           vm_name, pend.ptr);
        goto out;
    }
out:
    vmx_buf_dispose(&pend);
    xmlFreeDoc(doc);
    return rc;
}

static int create_filter(vmx__moref *filter, vmx_sync_session *s, const vmx__moref *task,
                         const vmx__moref *vm, vmx_error *err)
{
    vmx_buf a = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    int rc;

    vmx_buf_puts(
        &a, "<spec><propSet><type>Task</type><pathSet>info.state</pathSet></propSet>");
    if (vm)
        vmx_buf_puts(&a, "<propSet><type>VirtualMachine</type>"
                         "<pathSet>runtime.question</pathSet></propSet>");
    vmx_buf_puts(&a, "<objectSet><obj type=\"Task\">");
    vmx__xml_put(&a, task->value);
    vmx_buf_puts(&a, "</obj></objectSet>");
    if (vm) {
        vmx_buf_puts(&a, "<objectSet><obj type=\"VirtualMachine\">");
        vmx__xml_put(&a, vm->value);
        vmx_buf_puts(&a, "</obj></objectSet>");
    }
    vmx_buf_puts(&a, "</spec><partialUpdates>false</partialUpdates>");
    if (a.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__soap_call(s, "CreateFilter", &s->property_collector, a.ptr, &doc,
                             &resp, err)) < 0)
        goto out;
    if (vmx__xml_moref(filter, vmx__xml_child(resp, "returnval")) < 0)
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, "CreateFilter",
                           "invalid filter reference in the answer");
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&a);
    return rc;
}

/* Block until something in the filter changes (or a few seconds pass). */
static int wait_updates(vmx_sync_session *s, char *version, size_t vsize, vmx_error *err)
{
    vmx_buf a = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL, *ret;
    long long left = vmx__remaining_ms(s);
    long wait_s = 10;
    int rc;

    if (left >= 0) {
        wait_s = (long)(left / 1000) - 1;
        if (wait_s > 10)
            wait_s = 10;
        if (wait_s < 1)
            wait_s = 1;
    }
    vmx_buf_puts(&a, "<version>");
    vmx__xml_put(&a, version);
    vmx_buf_printf(
        &a, "</version><options><maxWaitSeconds>%ld</maxWaitSeconds></options>", wait_s);
    if (a.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__soap_call(s, "WaitForUpdatesEx", &s->property_collector, a.ptr, &doc,
                             &resp, err)) < 0)
        goto out;
    ret = vmx__xml_child(resp, "returnval");
    if (ret)
        snprintf(version, vsize, "%s", vmx__xml_text(vmx__xml_child(ret, "version")));
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&a);
    return rc;
}

static int cancel_task(vmx_sync_session *s, const vmx__moref *task, vmx_error *err)
{
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    int rc = vmx__soap_call(s, "CancelTask", task, NULL, &doc, &resp, err);

    xmlFreeDoc(doc);
    return rc;
}

/* "InvalidPowerState: message" from a LocalizedMethodFault. */
static void describe_fault(char *out, size_t size, const xmlNode *lmf)
{
    const xmlNode *f = vmx__xml_child(lmf, "fault");
    const char *type = vmx__xml_xsi_type(f);
    const char *msg = vmx__xml_text(vmx__xml_child(lmf, "localizedMessage"));

    if (!type || !*type)
        type = "SystemError";
    /* a message that only repeats the type name (the simulator sends
     * "*types.InvalidPowerState") adds nothing */
    if (*msg && !strstr(msg, type))
        snprintf(out, size, "%s: %s", type, msg);
    else
        snprintf(out, size, "%s", type);
}

static int task_wait(vmx_sync_session *s, const vmx__moref *task, const vmx__moref *vm,
                     const char *vm_name, const char *what, vmx_error *err)
{
    const char *tprops[] = {"info.state", "info.error", "info.cancelable", NULL};
    const char *vprops[] = {"runtime.question", NULL};
    vmx__moref filter;
    char version[64] = "";
    bool have_filter = false;
    int rc;

    if ((rc = create_filter(&filter, s, task, vm, err)) < 0)
        return rc;
    have_filter = true;
    for (;;) {
        xmlDoc *doc = NULL;
        xmlNode *objects = NULL, *q;
        const char *state;
        bool cancelable;

        if ((rc = vmx__props_get(s, task, tprops, &doc, &objects, err)) < 0)
            break;
        state = vmx__xml_text(vmx__props_val(objects, "info.state"));
        cancelable = strcmp(vmx__xml_text(vmx__props_val(objects, "info.cancelable")),
                            "true") == 0;
        if (strcmp(state, "success") == 0) {
            xmlFreeDoc(doc);
            rc = 0;
            break;
        }
        if (strcmp(state, "error") == 0) {
            char desc[384];

            describe_fault(desc, sizeof(desc), vmx__props_val(objects, "info.error"));
            xmlFreeDoc(doc);
            rc = vmx_error_set(err, VMX_EFAULT, NULL, 0, NULL, "%s: %s", what, desc);
            break;
        }
        xmlFreeDoc(doc);
        doc = NULL;
        if (vm) {
            if ((rc = vmx__props_get(s, vm, vprops, &doc, &objects, err)) < 0)
                break;
            q = vmx__props_val(objects, "runtime.question");
            if (q && vmx__xml_child(q, "id")) {
                vmx_error qerr = VMX_ERROR_INIT;

                rc = handle_question(s, vm, vm_name, q, &qerr);
                xmlFreeDoc(doc);
                if (rc < 0) {
                    vmx_error cerr = VMX_ERROR_INIT;

                    if (!cancelable)
                        rc = vmx_error_set(err, qerr.code, NULL, 0, qerr.key,
                                           "%s; %s cannot be cancelled and stays blocked "
                                           "until the question is answered",
                                           qerr.message, task->value);
                    else if (cancel_task(s, task, &cerr) < 0)
                        rc =
                            vmx_error_set(err, qerr.code, NULL, 0, qerr.key,
                                          "%s; cancelling %s did not work (%s), it stays "
                                          "blocked",
                                          qerr.message, task->value, cerr.message);
                    else
                        rc = vmx_error_set(err, qerr.code, NULL, 0, qerr.key,
                                           "%s; %s was cancelled", qerr.message, what);
                    break;
                }
                continue; /* answered: look at the task again */
            }
            xmlFreeDoc(doc);
        }
        if (vmx__remaining_ms(s) == 0) {
            rc = vmx_error_set(
                err, VMX_ENET, NULL, 0, NULL,
                "timed out after %ld s waiting for %s (%s is still running)",
                s->timeout_ms / 1000, what, task->value);
            break;
        }
        if ((rc = wait_updates(s, version, sizeof(version), err)) < 0) {
            if (rc == VMX_ENET && vmx__remaining_ms(s) == 0) {
                vmx_error_clear(err);
                rc = vmx_error_set(err, VMX_ENET, NULL, 0, NULL,
                                   "timed out after %ld s waiting for %s (%s is still "
                                   "running)",
                                   s->timeout_ms / 1000, what, task->value);
            }
            break;
        }
    }
    if (have_filter && rc != VMX_ENET) {
        xmlDoc *doc = NULL;
        xmlNode *resp = NULL;

        if (vmx__soap_call(s, "DestroyPropertyFilter", &filter, NULL, &doc, &resp,
                           NULL) == 0)
            xmlFreeDoc(doc);
    }
    return rc;
}

int vmx__task_wait(vmx_sync_session *s, const vmx__moref *task, const vmx__moref *vm,
                   const char *vm_name, const char *what, vmx_error *err)
{
    vmx_error local = VMX_ERROR_INIT;
    int rc = task_wait(s, task, vm, vm_name, what, &local);

    if (rc >= 0 || !err || err->code)
        return rc;
    /* a network failure mid-wait says what was going on */
    if (rc == VMX_ENET && strncmp(local.message, "timed out after", 15) != 0)
        return vmx_error_set(err, rc, NULL, 0, NULL,
                             "lost the connection while waiting for %s (%s may still be "
                             "running): %s",
                             what, task->value, local.message);
    *err = local;
    return rc;
}
