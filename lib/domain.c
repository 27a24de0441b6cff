#include "config.h"
#include "util.h"
#include "domain_private.h"
#include "vmxkit/domain.h"

#include <string.h>

int vmx_domain_new(vmx_domain **out)
{
    vmx_domain *dom = vmx__calloc(1, sizeof(*dom));

    *out = NULL;
    if (!dom)
        return VMX_ENOMEM;
    dom->cpu_shares = -1;
    *out = dom;
    return 0;
}

static void disk_dispose(vmx_disk *d)
{
    vmx__free(d->driver_name);
    vmx__free(d->src);
    vmx__free(d->target);
}

static void net_dispose(vmx_net *n)
{
    vmx__free(n->model);
    vmx__free(n->mac);
    vmx__free(n->bridge);
    vmx__free(n->ifname);
    vmx__free(n->switch_id);
    vmx__free(n->portgroup_id);
    vmx__free(n->port_id);
}

static void chr_dispose(vmx_chr *c)
{
    vmx__free(c->path);
    vmx__free(c->host);
    vmx__free(c->service);
    vmx__free(c->protocol);
    vmx__free(c->direction);
}

static void graphics_dispose(vmx_graphics *g)
{
    vmx__free(g->type);
    vmx__free(g->listen);
    vmx__free(g->keymap);
    vmx__free(g->passwd);
}

void vmx_domain_free(vmx_domain *dom)
{
    size_t i;

    if (!dom)
        return;
    vmx__free(dom->name);
    vmx__free(dom->uuid);
    vmx__free(dom->genid);
    vmx__free(dom->description);
    vmx__free(dom->cpuset);
    vmx__free(dom->machine);
    vmx__free(dom->guest_os);
    vmx__free(dom->datacenter_path);
    vmx__free(dom->moref);
    for (i = 0; i < dom->ndisks; i++)
        disk_dispose(&dom->disks[i]);
    vmx__free(dom->disks);
    for (i = 0; i < dom->ncontrollers; i++)
        vmx__free(dom->controllers[i].model);
    vmx__free(dom->controllers);
    for (i = 0; i < dom->nnets; i++)
        net_dispose(&dom->nets[i]);
    vmx__free(dom->nets);
    for (i = 0; i < dom->nserials; i++)
        chr_dispose(&dom->serials[i]);
    vmx__free(dom->serials);
    for (i = 0; i < dom->nparallels; i++)
        chr_dispose(&dom->parallels[i]);
    vmx__free(dom->parallels);
    for (i = 0; i < dom->nvideos; i++)
        vmx__free(dom->videos[i].model);
    vmx__free(dom->videos);
    for (i = 0; i < dom->ngraphics; i++)
        graphics_dispose(&dom->graphics[i]);
    vmx__free(dom->graphics);
    for (i = 0; i < dom->nfilesystems; i++) {
        vmx__free(dom->filesystems[i].src);
        vmx__free(dom->filesystems[i].dst);
    }
    vmx__free(dom->filesystems);
    for (i = 0; i < dom->nextra; i++) {
        vmx__free(dom->extra_keys[i]);
        vmx__free(dom->extra_values[i]);
    }
    vmx__free(dom->extra_keys);
    vmx__free(dom->extra_values);
    for (i = 0; i < dom->nsounds; i++)
        vmx__free(dom->sounds[i].model);
    vmx__free(dom->sounds);
    vmx__free(dom);
}

/* Grow an array by one zeroed element of @size bytes. */
static void *array_add(void **array, size_t *count, size_t size)
{
    size_t bytes;
    char *p;

    if (__builtin_mul_overflow(*count + 1, size, &bytes))
        return NULL;
    p = vmx__realloc(*array, bytes);
    if (!p)
        return NULL;
    *array = p;
    p += *count * size;
    memset(p, 0, size);
    (*count)++;
    return p;
}

#define DEFINE_ADD(fn, type, field, count)                                            \
    type *fn(vmx_domain *dom)                                                         \
    {                                                                                 \
        return array_add((void **)&dom->field, &dom->count, sizeof(type));            \
    }

DEFINE_ADD(vmx_domain_add_disk, vmx_disk, disks, ndisks)
DEFINE_ADD(vmx_domain_add_controller, vmx_controller, controllers, ncontrollers)
DEFINE_ADD(vmx_domain_add_net, vmx_net, nets, nnets)
DEFINE_ADD(vmx_domain_add_serial, vmx_chr, serials, nserials)
DEFINE_ADD(vmx_domain_add_parallel, vmx_chr, parallels, nparallels)
DEFINE_ADD(vmx_domain_add_video, vmx_video, videos, nvideos)
DEFINE_ADD(vmx_domain_add_graphics, vmx_graphics, graphics, ngraphics)
DEFINE_ADD(vmx_domain_add_filesystem, vmx_fs, filesystems, nfilesystems)
DEFINE_ADD(vmx_domain_add_sound, vmx_sound, sounds, nsounds)

int vmx_domain_add_extra(vmx_domain *dom, const char *key, const char *value)
{
    size_t n = dom->nextra;
    char **keys, **values;
    char *k = NULL, *v = NULL;

    keys = vmx__realloc(dom->extra_keys, (n + 1) * sizeof(*keys));
    if (!keys)
        return VMX_ENOMEM;
    dom->extra_keys = keys;
    values = vmx__realloc(dom->extra_values, (n + 1) * sizeof(*values));
    if (!values)
        return VMX_ENOMEM;
    dom->extra_values = values;
    k = vmx__strdup(key);
    v = vmx__strdup(value);
    if (!k || !v) {
        vmx__free(k);
        vmx__free(v);
        return VMX_ENOMEM;
    }
    keys[n] = k;
    values[n] = v;
    dom->nextra = n + 1;
    return 0;
}

const char *vmx__controller_type_name(vmx_controller_type type)
{
    switch (type) {
    case VMX_CONTROLLER_FDC:
        return "fdc";
    case VMX_CONTROLLER_SCSI:
        return "scsi";
    case VMX_CONTROLLER_SATA:
        return "sata";
    case VMX_CONTROLLER_NVME:
        return "nvme";
    case VMX_CONTROLLER_USB:
        return "usb";
    default:
        return "ide";
    }
}
