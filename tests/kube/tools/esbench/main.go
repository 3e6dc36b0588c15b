// Command esbench times upstream's EndpointSlice reconciler (k8s.io/endpointslice)
// on an input written by benchmarks/bench_upstream.py, so that the Python
// engine and the Go one are measured on the same Service, Pods and Nodes in
// the same run. It is test tooling: nothing of it ships with the library.
//
// Input (JSON on the file named by the first argument):
//
//	{"service": Service, "pods": [Pod], "nodes": [Node],
//	 "flip": "pod name whose Ready condition flips", "maxEndpointsPerSlice": 100,
//	 "repeat": 5}
//
// Output (JSON on stdout): the best wall time in seconds of
//   - "pack": Reconcile with no existing slices (every slice is created), and
//   - "reconcile": Reconcile against the slices of the first run after one
//     Pod's readiness flipped (one slice is updated),
//
// plus the number of slices and endpoints the first run created, for a check.
//
// The API calls go to a fake clientset whose reactor answers at once and keeps
// nothing, so the figures are the reconciler's own work, as ours are: our
// reconcile returns a plan and writes nothing either.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"time"

	corev1 "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes/fake"
	corelisters "k8s.io/client-go/listers/core/v1"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/endpointslice"
	endpointsliceutil "k8s.io/endpointslice/util"
	"k8s.io/klog/v2"
)

type input struct {
	Service              corev1.Service `json:"service"`
	Pods                 []corev1.Pod   `json:"pods"`
	Nodes                []corev1.Node  `json:"nodes"`
	Flip                 string         `json:"flip"`
	MaxEndpointsPerSlice int32          `json:"maxEndpointsPerSlice"`
	Repeat               int            `json:"repeat"`
}

type output struct {
	Pack      float64 `json:"pack"`
	Reconcile float64 `json:"reconcile"`
	Slices    int     `json:"slices"`
	Endpoints int     `json:"endpoints"`
	Creates   int     `json:"creates"`
	Updates   int     `json:"updates"`
	Deletes   int     `json:"deletes"`
}

// recorder answers every EndpointSlice write at once and remembers the
// created slices, named as the apiserver would name them, when asked to.
type recorder struct {
	keep    bool
	created []*discovery.EndpointSlice
	creates int
	updates int
	deletes int
}

func (r *recorder) react(action k8stesting.Action) (bool, k8sruntime.Object, error) {
	// By verb: an update action also satisfies the CreateAction interface.
	switch action.GetVerb() {
	case "create":
		r.creates++
		slice := action.(k8stesting.CreateAction).GetObject().(*discovery.EndpointSlice)
		if r.keep {
			kept := slice.DeepCopy()
			kept.Name = fmt.Sprintf("%s%05d", kept.GenerateName, len(r.created))
			r.created = append(r.created, kept)
		}
		return true, slice, nil
	case "update":
		r.updates++
		return true, action.(k8stesting.UpdateAction).GetObject(), nil
	case "delete":
		r.deletes++
	}
	return true, nil, nil
}

func newReconciler(in *input, rec *recorder) *endpointslice.Reconciler {
	client := fake.NewClientset()
	client.PrependReactor("*", "endpointslices", rec.react)
	factory := informers.NewSharedInformerFactory(client, 0)
	indexer := factory.Core().V1().Nodes().Informer().GetIndexer()
	for i := range in.Nodes {
		if err := indexer.Add(&in.Nodes[i]); err != nil {
			panic(err)
		}
	}
	return endpointslice.NewReconciler(
		client,
		corelisters.NewNodeLister(indexer),
		in.MaxEndpointsPerSlice,
		endpointsliceutil.NewEndpointSliceTracker(),
		nil,
		record.NewFakeRecorder(1000),
		"endpointslice-controller.k8s.io",
	)
}

func pointers(pods []corev1.Pod) []*corev1.Pod {
	out := make([]*corev1.Pod, len(pods))
	for i := range pods {
		out[i] = &pods[i]
	}
	return out
}

// timed runs fn once per repetition after a collection, as the Python side
// does, and returns the best wall time. A fresh reconciler (fake client,
// informer indexer of Nodes, tracker) is made by setup outside the clock: the
// Python side has no such objects to make.
func timed(repeat int, setup func() *endpointslice.Reconciler, fn func(*endpointslice.Reconciler)) float64 {
	best := 0.0
	for i := 0; i < repeat; i++ {
		r := setup()
		runtime.GC()
		start := time.Now()
		fn(r)
		elapsed := time.Since(start).Seconds()
		if i == 0 || elapsed < best {
			best = elapsed
		}
	}
	return best
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: esbench INPUT.json")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if in.Repeat < 1 {
		in.Repeat = 5
	}
	logger := klog.Background()
	pods := pointers(in.Pods)
	trigger := time.Now()

	// One untimed run records the slices that the timed reconcile starts from.
	first := &recorder{keep: true}
	if err := newReconciler(&in, first).Reconcile(logger, &in.Service, pods, nil, trigger); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var out output
	out.Slices = len(first.created)
	for _, slice := range first.created {
		out.Endpoints += len(slice.Endpoints)
	}

	out.Pack = timed(in.Repeat, func() *endpointslice.Reconciler {
		return newReconciler(&in, &recorder{})
	}, func(r *endpointslice.Reconciler) {
		if err := r.Reconcile(logger, &in.Service, pods, nil, trigger); err != nil {
			panic(err)
		}
	})

	changed := make([]corev1.Pod, len(in.Pods))
	copy(changed, in.Pods)
	for i := range changed {
		if changed[i].Name != in.Flip {
			continue
		}
		pod := changed[i].DeepCopy()
		for j := range pod.Status.Conditions {
			if pod.Status.Conditions[j].Type == corev1.PodReady {
				if pod.Status.Conditions[j].Status == corev1.ConditionTrue {
					pod.Status.Conditions[j].Status = corev1.ConditionFalse
				} else {
					pod.Status.Conditions[j].Status = corev1.ConditionTrue
				}
			}
		}
		changed[i] = *pod
	}
	changedPods := pointers(changed)
	var rec *recorder
	out.Reconcile = timed(in.Repeat, func() *endpointslice.Reconciler {
		rec = &recorder{}
		return newReconciler(&in, rec)
	}, func(r *endpointslice.Reconciler) {
		if err := r.Reconcile(logger, &in.Service, changedPods, first.created, trigger); err != nil {
			panic(err)
		}
	})
	out.Creates, out.Updates, out.Deletes = rec.creates, rec.updates, rec.deletes
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		panic(err)
	}
}
