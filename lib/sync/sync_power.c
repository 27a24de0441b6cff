/* Power operations and unregistering, with the question and pending-task
 * policy of sync_task.c. */
#include "config.h"
#include "sync_private.h"

#include <string.h>

#include <libxml/tree.h>

static const char *op_method(vmx_sync_power_op op)
{
    switch (op) {
    case VMX_SYNC_POWER_ON:
        return "PowerOnVM_Task";
    case VMX_SYNC_POWER_OFF:
        return "PowerOffVM_Task";
    case VMX_SYNC_POWER_RESET:
        return "ResetVM_Task";
    case VMX_SYNC_POWER_SUSPEND:
        return "SuspendVM_Task";
    }
    return NULL;
}

static const char *op_step(vmx_sync_power_op op)
{
    switch (op) {
    case VMX_SYNC_POWER_ON:
        return "power on";
    case VMX_SYNC_POWER_OFF:
        return "power off";
    case VMX_SYNC_POWER_RESET:
        return "reset";
    case VMX_SYNC_POWER_SUSPEND:
        return "suspend";
    }
    return "power";
}

int vmx__power(vmx_sync_session *s, const vmx__moref *vm, const char *name,
               vmx_sync_power_op op, bool *answered, vmx_error *err)
{
    const char *method = op_method(op);
    vmx_buf what = VMX_BUF_INIT;
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    vmx__moref task;
    int rc;

    if (answered)
        *answered = false;
    if (!method)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "unknown power operation");
    vmx_buf_printf(&what, "%s of '%s'", op_step(op), name);
    if (what.failed) {
        rc = vmx_error_set(err, VMX_ENOMEM, NULL, 0, NULL, "out of memory");
        goto out;
    }
    if ((rc = vmx__task_precheck(s, vm, name, err)) < 0)
        goto out;
    if (rc == 1) {
        if (answered)
            *answered = true;
        rc = 0;
        goto out;
    }
    if ((rc = vmx__soap_call(s, method, vm, NULL, &doc, &resp, err)) < 0) {
        goto out;
    }
    if (vmx__xml_moref(&task, vmx__xml_child(resp, "returnval")) < 0) {
        rc = vmx_error_set(err, VMX_EPARSE, NULL, 0, method, "invalid task reference");
        goto out;
    }
    rc = vmx__task_wait(s, &task, vm, name, what.ptr, err);
out:
    xmlFreeDoc(doc);
    vmx_buf_dispose(&what);
    return rc;
}

int vmx_sync_power(vmx_sync_session *s, const char *name, vmx_sync_power_op op,
                   bool *answered, vmx_error *err)
{
    vmx__moref vm;
    int rc;

    if (answered)
        *answered = false;
    if (!s || !name)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "NULL argument");
    if ((rc = vmx__vm_lookup(&vm, s, name, err)) < 0)
        return rc;
    return vmx__power(s, &vm, name, op, answered, err);
}

int vmx_sync_unregister(vmx_sync_session *s, const char *name, vmx_error *err)
{
    xmlDoc *doc = NULL;
    xmlNode *resp = NULL;
    vmx__moref vm;
    int rc;

    if (!s || !name)
        return vmx_error_set(err, VMX_EINVAL, NULL, 0, NULL, "NULL argument");
    if ((rc = vmx__vm_lookup(&vm, s, name, err)) < 0)
        return rc;
    rc = vmx__soap_call(s, "UnregisterVM", &vm, NULL, &doc, &resp, err);
    xmlFreeDoc(doc);
    return rc;
}
