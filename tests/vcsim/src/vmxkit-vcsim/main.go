// vmxkit-vcsim: the govmomi vSphere simulator, as the vmxkit sync tests use it.
//
// It starts the simulator (vCenter or ESX model) on 127.0.0.1, with TLS on a
// freshly generated 2048-bit certificate or over plain HTTP, prints where it
// listens on stdout, one key=value per line, ending with "ready", and adds
// what the simulator lacks:
//
//   - VM questions: powering on a VM whose VMX file has no uuid.action key
//     raises runtime.question ("msg.uuid.altered") and holds the power-on
//     task in "running" until the question is answered or the task cancelled;
//   - AnswerVM (writes uuid.action into the VMX and finishes the power-on);
//   - CancelTask on held tasks, and a non-cancelable variant (-noncancelable);
//   - power tasks held in "running" (-hold), listed in the VM's recentTask;
//   - RegisterVM creates <name>.nvram and vmware.log beside the VMX first,
//     as a real host does not require them but the simulator does;
//   - ReconfigVM_Task writes the changed keys into the VMX file, as a real
//     host does, so that a read over /folder shows them; like a real host it
//     silently ignores extraConfig entries for device keys and keys other
//     ConfigSpec fields own (logged as "ignored extraConfig KEY");
//   - Reload (VirtualMachine): re-reads numvcpus and memsize from the VMX
//     file into the VM's config and logs "reload VM numvcpus=N memsize=M";
//   - QueryConfigOptionDescriptor answers the list of virtual hardware
//     versions as a real host does, with defaultConfigOption set on one
//     (-defaulthw; the simulator sets it on none), or on none (-nodefaulthw,
//     as hosts before vSphere 6.7 answer);
//   - session expiry: -expire METHOD drops the caller's session when METHOD
//     arrives (-expiretimes N: the first N times), so that the next call of
//     the client is answered NotAuthenticated;
//   - -log FILE appends what the tests check afterwards: "cookie VALUE" for
//     each session cookie handed out, "expired METHOD", and the requests of
//     the proxy;
//   - -proxy also starts an HTTP proxy on 127.0.0.1 (CONNECT for https,
//     absolute-URI requests for http) and prints proxy_port=N.
//
// Build (GOPATH mode, Debian's golang-github-vmware-govmomi-dev):
//
//	GO111MODULE=off GOPATH=$PWD/tests/vcsim:/usr/share/gocode go build vmxkit-vcsim
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"io/ioutil"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

var (
	flagMode          = flag.String("mode", "vpx", "simulator model: vpx (vCenter) or esx")
	flagTLS           = flag.Bool("tls", true, "serve HTTPS with a generated certificate (false: plain HTTP)")
	flagUser          = flag.String("user", "root", "accepted user name")
	flagPass          = flag.String("password", "secret", "accepted password")
	flagCert          = flag.String("certfile", "", "write the server certificate (PEM) to this file")
	flagHold          = flag.Bool("hold", false, "hold power tasks in the running state until cancelled")
	flagNonCancelable = flag.Bool("noncancelable", false, "held tasks cannot be cancelled")
	flagNoDefault     = flag.Bool("nodefault", false, "questions have no default choice")
	flagNoQuestion    = flag.Bool("noquestion", false, "never raise the uuid question")
	flagFailRegister  = flag.Bool("failregister", false, "RegisterVM_Task fails with NotSupported")
	flagDefaultHW     = flag.String("defaulthw", "vmx-19", "default virtual hardware version of QueryConfigOptionDescriptor")
	flagNoDefaultHW   = flag.Bool("nodefaulthw", false, "QueryConfigOptionDescriptor flags no default (older hosts)")
	flagExpire        = flag.String("expire", "", "drop the caller's session when this SOAP method arrives")
	flagExpireTimes   = flag.Int("expiretimes", 1, "how many times -expire drops the session")
	flagLog           = flag.String("log", "", "append cookies handed out, expiries and proxy requests to this file")
	flagProxy         = flag.Bool("proxy", false, "also start an HTTP proxy on 127.0.0.1")
)

// logEvent appends a line to the -log file.
var logMu sync.Mutex

func logEvent(format string, args ...interface{}) {
	if *flagLog == "" {
		return
	}
	logMu.Lock()
	defer logMu.Unlock()
	f, err := os.OpenFile(*flagLog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0600)
	if err != nil {
		return
	}
	fmt.Fprintf(f, format+"\n", args...)
	f.Close()
}

// stdout carries "held <task> <method>" and "waiting <version>" (a blocking
// WaitForUpdatesEx arrived) lines after "ready", so that a test can act while
// a task is running.
var (
	outMu sync.Mutex
	out   = bufio.NewWriter(os.Stdout)
)

func announce(format string, args ...interface{}) {
	outMu.Lock()
	defer outMu.Unlock()
	fmt.Fprintf(out, format+"\n", args...)
	out.Flush()
}

// A task held in the running state, and the question that blocks it.
type held struct {
	task     *simulator.Task
	vm       types.ManagedObjectReference
	question bool
	op       string // PowerOnVM_Task, PowerOffVM_Task, ...
}

type ext struct {
	inner http.Handler
	mu    sync.Mutex
	held  map[string]*held // by task moref value
	qseq  int
	// -expire: how many more times the session is dropped
	expireLeft int
}

func main() {
	flag.Parse()
	log.SetOutput(ioutil.Discard)

	var model *simulator.Model
	switch *flagMode {
	case "vpx":
		model = simulator.VPX()
	case "esx":
		model = simulator.ESX()
	default:
		fmt.Fprintf(os.Stderr, "vmxkit-vcsim: unknown mode %q\n", *flagMode)
		os.Exit(2)
	}
	if err := model.Create(); err != nil {
		fmt.Fprintf(os.Stderr, "vmxkit-vcsim: %s\n", err)
		os.Exit(1)
	}
	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*flagUser, *flagPass)}

	var cert *x509.Certificate
	if *flagTLS {
		pair, c, err := newCertificate()
		if err != nil {
			fmt.Fprintf(os.Stderr, "vmxkit-vcsim: certificate: %s\n", err)
			os.Exit(1)
		}
		cert = c
		model.Service.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
		if *flagCert != "" {
			pemData := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
			if err := ioutil.WriteFile(*flagCert, pemData, 0600); err != nil {
				fmt.Fprintf(os.Stderr, "vmxkit-vcsim: %s\n", err)
				os.Exit(1)
			}
		}
	}

	srv := model.Service.NewServer()
	e := &ext{inner: srv.Config.Handler, held: map[string]*held{}, expireLeft: *flagExpireTimes}
	// No request has reached the server yet: swapping the handler is safe.
	srv.Config.Handler = e

	_, port, _ := net.SplitHostPort(srv.URL.Host)
	outMu.Lock()
	fmt.Fprintf(out, "url=%s://%s/sdk\n", srv.URL.Scheme, srv.URL.Host)
	fmt.Fprintf(out, "port=%s\n", port)
	fmt.Fprintf(out, "mode=%s\n", *flagMode)
	if *flagProxy {
		pport, err := startProxy()
		if err != nil {
			fmt.Fprintf(os.Stderr, "vmxkit-vcsim: proxy: %s\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(out, "proxy_port=%d\n", pport)
	}
	if cert != nil {
		fmt.Fprintf(out, "sha1=%s\n", thumbprint(sha1.New(), cert.Raw))
		fmt.Fprintf(out, "sha256=%s\n", thumbprint(sha256.New(), cert.Raw))
	}
	printInventory(out)
	fmt.Fprintf(out, "ready\n")
	out.Flush()
	outMu.Unlock()

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	<-sig
	srv.Close()
	model.Remove()
}

func newCertificate() (tls.Certificate, *x509.Certificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, _ := rand.Int(rand.Reader, big.NewInt(1<<62))
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "127.0.0.1", Organization: []string{"vmxkit test"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, c, nil
}

func thumbprint(h interface {
	Write([]byte) (int, error)
	Sum([]byte) []byte
}, der []byte) string {
	h.Write(der)
	sum := h.Sum(nil)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// printInventory prints the names the tests need: datacenter, datastore,
// host, cluster and the VMs of the model.
func printInventory(out *bufio.Writer) {
	for _, kind := range []string{"Datacenter", "Datastore", "HostSystem", "ClusterComputeResource", "VirtualMachine"} {
		var names []string
		for _, e := range simulator.Map.All(kind) {
			names = append(names, e.Entity().Name)
		}
		sortStrings(names)
		fmt.Fprintf(out, "%s=%s\n", strings.ToLower(kind), strings.Join(names, ","))
	}
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// ServeHTTP intercepts the SOAP methods this server extends and passes the
// rest to the simulator.
func (e *ext) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/sdk" {
		e.inner.ServeHTTP(w, r)
		return
	}
	body, err := ioutil.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.Body = ioutil.NopCloser(bytes.NewReader(body))
	method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
	if err != nil {
		e.inner.ServeHTTP(w, r)
		return
	}
	cookie := r.Header.Get("Cookie")
	if *flagExpire != "" && method.Name == *flagExpire && e.authenticated(cookie) {
		e.mu.Lock()
		expire := e.expireLeft > 0
		if expire {
			e.expireLeft--
		}
		e.mu.Unlock()
		if expire {
			// the session ends on the server side, as when it times out
			e.innerCall("Logout", simulator.Map.SessionManager().Self, "", cookie)
			logEvent("expired %s", method.Name)
		}
	}
	switch req := method.Body.(type) {
	case *types.PowerOnVM_Task:
		if e.authenticated(cookie) && e.powerOn(w, req) {
			return
		}
	case *types.PowerOffVM_Task, *types.ResetVM_Task, *types.SuspendVM_Task:
		if *flagHold && e.authenticated(cookie) && e.holdPower(w, method.Name, method.This) {
			return
		}
	case *types.AnswerVM:
		if e.authenticated(cookie) {
			e.answer(w, req, cookie)
			return
		}
	case *types.CancelTask:
		if e.authenticated(cookie) && e.cancel(w, req) {
			return
		}
	case *types.RegisterVM_Task:
		if e.authenticated(cookie) {
			if *flagFailRegister {
				folder := simulator.Map.Get(req.This)
				if folder != nil {
					task := simulator.CreateTask(folder, "registerVm", func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
						return nil, &types.NotSupported{}
					})
					taskResponse(w, "RegisterVM_Task", task.Run())
					return
				}
			}
			e.prepareRegister(req)
		}
	case *types.WaitForUpdatesEx:
		if req.Version != "" {
			// a blocking wait: tests kill the server at this point
			announce("waiting %s", req.Version)
		}
	case *types.ReconfigVM_Task:
		if e.authenticated(cookie) {
			e.writeReconfig(req)
		}
	case *types.Reload:
		if e.authenticated(cookie) {
			e.reload(w, req)
			return
		}
	case *types.QueryConfigOptionDescriptor:
		if e.authenticated(cookie) && e.configOptionDescriptors(w, req) {
			return
		}
	}
	e.inner.ServeHTTP(w, r)
	// the session cookies handed out, for the tests that check outputs
	for _, c := range (&http.Response{Header: w.Header()}).Cookies() {
		if c.Name == "vmware_soap_session" {
			logEvent("cookie %s", c.Value)
		}
	}
}

// hardwareVersions are the virtual hardware versions an ESXi 7.0 U3 host
// lists, with the descriptions it gives them.
var hardwareVersions = []struct{ key, desc string }{
	{"vmx-04", "ESX 3.x virtual machine"},
	{"vmx-07", "ESX/ESXi 4.x virtual machine"},
	{"vmx-08", "ESXi 5.0 virtual machine"},
	{"vmx-09", "ESXi 5.1 virtual machine"},
	{"vmx-10", "ESXi 5.5 virtual machine"},
	{"vmx-11", "ESXi 6.0 virtual machine"},
	{"vmx-13", "ESXi 6.5 virtual machine"},
	{"vmx-14", "ESXi 6.7 virtual machine"},
	{"vmx-15", "ESXi 6.7 U2 virtual machine"},
	{"vmx-17", "ESXi 7.0 virtual machine"},
	{"vmx-18", "ESXi 7.0 U1 virtual machine"},
	{"vmx-19", "ESXi 7.0 U2 virtual machine"},
}

// configOptionDescriptors answers QueryConfigOptionDescriptor as a real
// host does: every hardware version, defaultConfigOption on the default
// one. The simulator lists one version and flags none.
func (e *ext) configOptionDescriptors(w http.ResponseWriter, req *types.QueryConfigOptionDescriptor) bool {
	var hosts []types.ManagedObjectReference
	obj := simulator.Map.Get(req.This)
	if obj == nil {
		return false
	}
	for _, o := range simulator.Map.All("ClusterComputeResource") {
		if c, ok := o.(*simulator.ClusterComputeResource); ok && c.EnvironmentBrowser != nil && *c.EnvironmentBrowser == req.This {
			hosts = c.Host
		}
	}
	for _, o := range simulator.Map.All("ComputeResource") {
		if c, ok := o.(*mo.ComputeResource); ok && c.EnvironmentBrowser != nil && *c.EnvironmentBrowser == req.This {
			hosts = c.Host
		}
	}
	var b strings.Builder
	b.WriteString(`<QueryConfigOptionDescriptorResponse xmlns="urn:vim25">`)
	for _, v := range hardwareVersions {
		def := !*flagNoDefaultHW && v.key == *flagDefaultHW
		fmt.Fprintf(&b, `<returnval><key>%s</key><description>%s</description>`, v.key, xmlEscape(v.desc))
		for _, h := range hosts {
			fmt.Fprintf(&b, `<host type="HostSystem">%s</host>`, h.Value)
		}
		fmt.Fprintf(&b, `<createSupported>true</createSupported><defaultConfigOption>%t</defaultConfigOption>`+
			`<runSupported>true</runSupported><upgradeSupported>true</upgradeSupported></returnval>`, def)
	}
	b.WriteString(`</QueryConfigOptionDescriptorResponse>`)
	writeSOAP(w, http.StatusOK, b.String())
	return true
}

// startProxy serves an HTTP proxy on 127.0.0.1: CONNECT tunnels (https) and
// absolute-URI requests (http), to 127.0.0.1 only. Each request is logged.
func startProxy() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	tr := &http.Transport{Proxy: nil}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.Host)
		if err != nil || host != "127.0.0.1" {
			http.Error(w, "this proxy only reaches 127.0.0.1", http.StatusForbidden)
			return
		}
		if r.Method == http.MethodConnect {
			logEvent("proxy CONNECT %s", r.Host)
			up, err := net.Dial("tcp", r.Host)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			hj, ok := w.(http.Hijacker)
			if !ok {
				up.Close()
				http.Error(w, "no hijacking", http.StatusInternalServerError)
				return
			}
			conn, rw, err := hj.Hijack()
			if err != nil {
				up.Close()
				return
			}
			fmt.Fprintf(rw, "HTTP/1.1 200 Connection established\r\n\r\n")
			rw.Flush()
			go func() {
				// what the client sent after the CONNECT, then the rest
				if n := rw.Reader.Buffered(); n > 0 {
					buf, _ := rw.Reader.Peek(n)
					up.Write(buf)
				}
				io.Copy(up, conn)
				up.Close()
			}()
			io.Copy(conn, up)
			conn.Close()
			return
		}
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		logEvent("proxy %s %s", r.Method, r.URL.String())
		out := r.Clone(r.Context())
		out.RequestURI = ""
		out.Header.Del("Proxy-Connection")
		out.Header.Del("Proxy-Authorization")
		resp, err := tr.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, vs := range resp.Header {
			for _, v := range vs {
				w.Header().Add(k, v)
			}
		}
		w.WriteHeader(resp.StatusCode)
		io.Copy(w, resp.Body)
	})
	go http.Serve(l, h)
	return l.Addr().(*net.TCPAddr).Port, nil
}

// authenticated asks the simulator whether the session cookie is valid, by
// sending it a call that needs a session.
func (e *ext) authenticated(cookie string) bool {
	rec := e.innerCall("CurrentTime", types.ManagedObjectReference{Type: "ServiceInstance", Value: "ServiceInstance"}, "", cookie)
	return rec.Code == http.StatusOK
}

func (e *ext) innerCall(method string, this types.ManagedObjectReference, args string, cookie string) *httptest.ResponseRecorder {
	body := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>`+
		`<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="urn:vim25">`+
		`<soapenv:Body><%s><_this type="%s">%s</_this>%s</%s></soapenv:Body></soapenv:Envelope>`,
		method, this.Type, this.Value, args, method)
	req := httptest.NewRequest(http.MethodPost, "/sdk", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/xml")
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	e.inner.ServeHTTP(rec, req)
	return rec
}

func writeSOAP(w http.ResponseWriter, status int, inner string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+
		`<soapenv:Envelope xmlns:soapenc="http://schemas.xmlsoap.org/soap/encoding/" `+
		`xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" `+
		`xmlns:xsd="http://www.w3.org/2001/XMLSchema" `+
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`+
		`<soapenv:Body>%s</soapenv:Body></soapenv:Envelope>`, inner)
}

func writeFault(w http.ResponseWriter, faultType, msg string) {
	writeSOAP(w, http.StatusInternalServerError, fmt.Sprintf(
		`<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>%s</faultstring>`+
			`<detail><%sFault xmlns="urn:vim25" xsi:type="%s"></%sFault></detail></soapenv:Fault>`,
		xmlEscape(msg), faultType, faultType, faultType))
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func getVM(ref types.ManagedObjectReference) *simulator.VirtualMachine {
	if ref.Type != "VirtualMachine" {
		return nil
	}
	vm, _ := simulator.Map.Get(ref).(*simulator.VirtualMachine)
	return vm
}

// datastoreFile maps "[ds] dir/file" to the file in the simulator's storage.
func datastoreFile(dsPath string) (string, bool) {
	if !strings.HasPrefix(dsPath, "[") {
		return "", false
	}
	end := strings.Index(dsPath, "]")
	if end < 0 {
		return "", false
	}
	name := dsPath[1:end]
	rel := strings.TrimSpace(dsPath[end+1:])
	for _, e := range simulator.Map.All("Datastore") {
		ds, ok := e.(*simulator.Datastore)
		if ok && ds.Name == name {
			return filepath.Join(ds.Info.GetDatastoreInfo().Url, rel), true
		}
	}
	return "", false
}

// vmxHasKey reports whether the VMX file has @key (keys are case-insensitive).
func vmxHasKey(file, key string) bool {
	data, err := ioutil.ReadFile(file)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "="); i > 0 && strings.EqualFold(strings.TrimSpace(line[:i]), key) {
			return true
		}
	}
	return false
}

// vmxSet sets (or with value nil removes) keys in a VMX file, keeping the
// other lines as they are.
func vmxSet(file string, set map[string]*string) error {
	data, err := ioutil.ReadFile(file)
	if err != nil {
		return err
	}
	done := map[string]bool{}
	var out []string
	for _, line := range strings.Split(strings.TrimRight(string(data), "\n"), "\n") {
		if i := strings.Index(line, "="); i > 0 {
			k := strings.ToLower(strings.TrimSpace(line[:i]))
			for key, val := range set {
				if strings.ToLower(key) == k {
					done[key] = true
					if val == nil {
						line = ""
					} else {
						line = fmt.Sprintf("%s = \"%s\"", key, *val)
					}
				}
			}
		}
		if line != "" {
			out = append(out, line)
		}
	}
	for key, val := range set {
		if !done[key] && val != nil {
			out = append(out, fmt.Sprintf("%s = \"%s\"", key, *val))
		}
	}
	return ioutil.WriteFile(file, []byte(strings.Join(out, "\n")+"\n"), 0600)
}

func (e *ext) newHeld(vm *simulator.VirtualMachine, op string, question bool) *held {
	id := strings.TrimSuffix(op, "_Task")
	id = strings.ToLower(id[:1]) + id[1:]
	id = strings.Replace(id, "VM", "", 1)
	task := simulator.CreateTask(vm, id, func(*simulator.Task) (types.AnyType, types.BaseMethodFault) {
		return nil, nil
	})
	task.Info.Name = op
	simulator.Map.Update(task, []types.PropertyChange{
		{Name: "info.state", Val: types.TaskInfoStateRunning},
		{Name: "info.startTime", Val: time.Now()},
		{Name: "info.cancelable", Val: !*flagNonCancelable},
	})
	recent := append(append([]types.ManagedObjectReference{}, vm.RecentTask...), task.Self)
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "recentTask", Val: recent}})
	h := &held{task: task, vm: vm.Self, question: question, op: op}
	e.held[task.Self.Value] = h
	announce("held %s %s", task.Self.Value, op)
	return h
}

// finish completes a held task, copying the outcome of @from (a finished
// simulator task) or setting @fault.
func (e *ext) finish(h *held, from *types.ManagedObjectReference, fault types.BaseMethodFault, msg string) {
	state := types.TaskInfoStateSuccess
	var lmf interface{}
	if from != nil {
		if t, ok := simulator.Map.Get(*from).(*simulator.Task); ok && t.Info.State == types.TaskInfoStateError && t.Info.Error != nil {
			fault = t.Info.Error.Fault
			msg = t.Info.Error.LocalizedMessage
		}
	}
	if fault != nil {
		state = types.TaskInfoStateError
		lmf = types.LocalizedMethodFault{Fault: fault, LocalizedMessage: msg}
	}
	simulator.Map.Update(h.task, []types.PropertyChange{
		{Name: "info.completeTime", Val: time.Now()},
		{Name: "info.state", Val: state},
		{Name: "info.error", Val: lmf},
	})
	if vm := getVM(h.vm); vm != nil {
		var recent []types.ManagedObjectReference
		for _, r := range vm.RecentTask {
			if r != h.task.Self {
				recent = append(recent, r)
			}
		}
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "recentTask", Val: recent}})
	}
	delete(e.held, h.task.Self.Value)
}

func taskResponse(w http.ResponseWriter, op string, ref types.ManagedObjectReference) {
	writeSOAP(w, http.StatusOK, fmt.Sprintf(`<%sResponse xmlns="urn:vim25"><returnval type="Task">%s</returnval></%sResponse>`,
		op, ref.Value, op))
}

// powerOn raises the uuid question when the VMX has no uuid.action, or holds
// the task when asked to. It returns false to let the simulator do the call.
func (e *ext) powerOn(w http.ResponseWriter, req *types.PowerOnVM_Task) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	vm := getVM(req.This)
	if vm == nil || vm.Runtime.PowerState == types.VirtualMachinePowerStatePoweredOn {
		return false
	}
	if vm.Runtime.Question != nil {
		writeFault(w, "InvalidState", "the virtual machine has a pending question")
		return true
	}
	file, ok := datastoreFile(vm.Config.Files.VmPathName)
	ask := ok && !*flagNoQuestion && !vmxHasKey(file, "uuid.action")
	if !ask && !*flagHold {
		return false
	}
	h := e.newHeld(vm, "PowerOnVM_Task", ask)
	if ask {
		e.qseq++
		choices := []types.BaseElementDescription{
			&types.ElementDescription{Description: types.Description{Label: "Cancel", Summary: "button.uuid.cancel"}, Key: "0"},
			&types.ElementDescription{Description: types.Description{Label: "I Moved It", Summary: "button.uuid.movedTheVM"}, Key: "1"},
			&types.ElementDescription{Description: types.Description{Label: "I Copied It", Summary: "button.uuid.copiedTheVM"}, Key: "2"},
		}
		def := int32(2)
		if *flagNoDefault {
			def = 0 // omitted on the wire: no default
		}
		text := "This virtual machine might have been moved or copied. In order to configure " +
			"certain management and networking features, VMware ESX needs to know if this " +
			"virtual machine was moved or copied. If you don't know, answer \"I Copied It\"."
		q := &types.VirtualMachineQuestionInfo{
			Id:     fmt.Sprintf("_vmx%d", e.qseq),
			Text:   "msg.uuid.altered:" + text,
			Choice: types.ChoiceOption{ChoiceInfo: choices, DefaultIndex: def},
			Message: []types.VirtualMachineMessage{
				{Id: "msg.uuid.altered", Text: text},
			},
		}
		simulator.Map.Update(vm, []types.PropertyChange{{Name: "runtime.question", Val: q}})
	}
	taskResponse(w, "PowerOnVM_Task", h.task.Self)
	return true
}

func (e *ext) holdPower(w http.ResponseWriter, op string, this types.ManagedObjectReference) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	vm := getVM(this)
	if vm == nil {
		return false
	}
	h := e.newHeld(vm, op, false)
	taskResponse(w, op, h.task.Self)
	return true
}

// answer finishes the held power-on with the answering session: the session
// that started the task may have logged out since.
func (e *ext) answer(w http.ResponseWriter, req *types.AnswerVM, cookie string) {
	e.mu.Lock()
	vm := getVM(req.This)
	if vm == nil {
		e.mu.Unlock()
		writeFault(w, "ManagedObjectNotFound", "no such virtual machine")
		return
	}
	q := vm.Runtime.Question
	if q == nil || q.Id != req.QuestionId {
		e.mu.Unlock()
		writeFault(w, "InvalidArgument", "no pending question with this id")
		return
	}
	action := ""
	switch req.AnswerChoice {
	case "0":
	case "1":
		action = "keep"
	case "2":
		action = "create"
	default:
		e.mu.Unlock()
		writeFault(w, "InvalidArgument", "invalid answer choice")
		return
	}
	simulator.Map.Update(vm, []types.PropertyChange{{Name: "runtime.question", Val: nil}})
	var h *held
	for _, x := range e.held {
		if x.vm == vm.Self && x.question {
			h = x
		}
	}
	if action == "" {
		if h != nil {
			e.finish(h, nil, &types.RequestCanceled{}, "the operation was cancelled by the question's answer")
		}
		e.mu.Unlock()
		writeSOAP(w, http.StatusOK, `<AnswerVMResponse xmlns="urn:vim25"></AnswerVMResponse>`)
		return
	}
	if file, ok := datastoreFile(vm.Config.Files.VmPathName); ok {
		_ = vmxSet(file, map[string]*string{"uuid.action": &action})
	}
	e.mu.Unlock()
	// The VMX now has uuid.action: the simulator powers the VM on.
	rec := e.innerCall("PowerOnVM_Task", vm.Self, "", cookie)
	e.mu.Lock()
	if h != nil {
		var res struct {
			Ref string `xml:"Body>PowerOnVM_TaskResponse>returnval"`
		}
		if err := xml.Unmarshal(rec.Body.Bytes(), &res); err == nil && res.Ref != "" {
			ref := types.ManagedObjectReference{Type: "Task", Value: res.Ref}
			e.finish(h, &ref, nil, "")
		} else {
			e.finish(h, nil, &types.SystemError{Reason: "power on failed"}, "power on failed")
		}
	}
	e.mu.Unlock()
	writeSOAP(w, http.StatusOK, `<AnswerVMResponse xmlns="urn:vim25"></AnswerVMResponse>`)
}

func (e *ext) cancel(w http.ResponseWriter, req *types.CancelTask) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	h, ok := e.held[req.This.Value]
	if !ok {
		t, isTask := simulator.Map.Get(req.This).(*simulator.Task)
		if !isTask {
			return false
		}
		if t.Info.State == types.TaskInfoStateSuccess || t.Info.State == types.TaskInfoStateError {
			writeFault(w, "InvalidState", "the task has already completed")
			return true
		}
		return false
	}
	if *flagNonCancelable {
		writeFault(w, "NotSupported", "the task cannot be cancelled")
		return true
	}
	if h.question {
		if vm := getVM(h.vm); vm != nil {
			simulator.Map.Update(vm, []types.PropertyChange{{Name: "runtime.question", Val: nil}})
		}
	}
	e.finish(h, nil, &types.RequestCanceled{}, "the task was cancelled by a user")
	writeSOAP(w, http.StatusOK, `<CancelTaskResponse xmlns="urn:vim25"></CancelTaskResponse>`)
	return true
}

// prepareRegister creates <name>.nvram and vmware.log beside the VMX, which
// the simulator insists on and a real host creates itself.
func (e *ext) prepareRegister(req *types.RegisterVM_Task) {
	file, ok := datastoreFile(req.Path)
	if !ok {
		return
	}
	if _, err := os.Stat(file); err != nil {
		return
	}
	dir := filepath.Dir(file)
	name := req.Name
	if name == "" {
		name = strings.TrimSuffix(path.Base(file), ".vmx")
	}
	for _, f := range []string{name + ".nvram", "vmware.log"} {
		// a name with '/' puts the simulator's nvram in a subdirectory
		p := filepath.Join(dir, f)
		_ = os.MkdirAll(filepath.Dir(p), 0700)
		if _, err := os.Stat(p); err != nil {
			_ = ioutil.WriteFile(p, nil, 0600)
		}
	}
}

// writeReconfig applies a ReconfigVM_Task spec to the VMX file, as a real
// host does (the simulator keeps the change in memory only).
func (e *ext) writeReconfig(req *types.ReconfigVM_Task) {
	vm := getVM(req.This)
	if vm == nil {
		return
	}
	file, ok := datastoreFile(vm.Config.Files.VmPathName)
	if !ok {
		return
	}
	set := map[string]*string{}
	str := func(s string) *string { return &s }
	spec := req.Spec
	if spec.MemoryMB != 0 {
		set["memsize"] = str(fmt.Sprintf("%d", spec.MemoryMB))
	}
	if spec.NumCPUs != 0 {
		set["numvcpus"] = str(fmt.Sprintf("%d", spec.NumCPUs))
	}
	if spec.Annotation != "" {
		set["annotation"] = str(spec.Annotation)
	}
	if spec.GuestId != "" {
		set["guestOS"] = str(spec.GuestId)
	}
	if spec.Name != "" {
		set["displayName"] = str(spec.Name)
	}
	for _, o := range spec.ExtraConfig {
		ov := o.GetOptionValue()
		if hostOwnsKey(ov.Key) {
			logEvent("ignored extraConfig %s", ov.Key)
			continue
		}
		v := fmt.Sprint(ov.Value)
		if ov.Value == nil || v == "" {
			set[ov.Key] = nil
		} else {
			set[ov.Key] = str(v)
		}
	}
	if len(set) > 0 {
		_ = vmxSet(file, set)
	}
}

// hostOwnsKey reports whether a real host ignores @key in extraConfig: device
// keys (set through deviceChange) and keys other ConfigSpec fields own.
func hostOwnsKey(key string) bool {
	k := strings.ToLower(key)
	head := k
	if i := strings.IndexAny(k, ".:"); i >= 0 {
		head = k[:i]
	}
	for _, f := range []string{"ethernet", "scsi", "ide", "sata", "nvme", "floppy", "serial", "parallel", "pcibridge", "vmci", "hpet"} {
		if strings.HasPrefix(head, f) && len(head) > len(f) && strings.Trim(head[len(f):], "0123456789") == "" {
			return true
		}
	}
	for _, f := range []string{"usb", "usb_xhci", "ehci", "sound", "svga", "virtualhw"} {
		if head == f {
			return true
		}
	}
	for _, o := range []string{"uuid.bios", "uuid.location", "vc.uuid", "firmware", "mem.hotadd", "vcpu.hotadd",
		"vcpu.hotremove", "tools.synctime", "tools.upgrade.policy", "vhv.enable", "vpmc.enable", "bios.bootdelay",
		"bios.bootorder", "uefi.secureboot.enabled", "mks.enable3d"} {
		if k == o {
			return true
		}
	}
	for _, p := range []string{"powertype.", "sched.", "cpuid."} {
		if strings.HasPrefix(k, p) {
			return true
		}
	}
	return false
}

// vmxGet returns the value of @key in the VMX file (the last one), or "".
func vmxGet(file, key string) string {
	data, err := ioutil.ReadFile(file)
	if err != nil {
		return ""
	}
	val := ""
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.Index(line, "="); i > 0 && strings.EqualFold(strings.TrimSpace(line[:i]), key) {
			val = strings.Trim(strings.TrimSpace(line[i+1:]), "\"")
		}
	}
	return val
}

// reload answers VirtualMachine.Reload, which the simulator lacks: like a
// real host it reads the VMX file again; here numvcpus and memsize go into
// the VM's config, and the call is logged with the values read.
func (e *ext) reload(w http.ResponseWriter, req *types.Reload) {
	e.mu.Lock()
	defer e.mu.Unlock()
	vm := getVM(req.This)
	if vm == nil {
		writeFault(w, "ManagedObjectNotFound", "no such virtual machine")
		return
	}
	file, ok := datastoreFile(vm.Config.Files.VmPathName)
	if !ok {
		writeFault(w, "FileNotFound", "the VMX file is not on a datastore")
		return
	}
	if _, err := os.Stat(file); err != nil {
		writeFault(w, "FileNotFound", err.Error())
		return
	}
	cpus, mem := vmxGet(file, "numvcpus"), vmxGet(file, "memsize")
	var changes []types.PropertyChange
	var n int32
	if _, err := fmt.Sscanf(cpus, "%d", &n); err == nil && n > 0 {
		changes = append(changes, types.PropertyChange{Name: "config.hardware.numCPU", Val: n})
		changes = append(changes, types.PropertyChange{Name: "summary.config.numCpu", Val: n})
	}
	if _, err := fmt.Sscanf(mem, "%d", &n); err == nil && n > 0 {
		changes = append(changes, types.PropertyChange{Name: "config.hardware.memoryMB", Val: n})
		changes = append(changes, types.PropertyChange{Name: "summary.config.memorySizeMB", Val: n})
	}
	if len(changes) > 0 {
		simulator.Map.Update(vm, changes)
	}
	logEvent("reload %s numvcpus=%s memsize=%s", vm.Name, cpus, mem)
	writeSOAP(w, http.StatusOK, `<ReloadResponse xmlns="urn:vim25"></ReloadResponse>`)
}
