// antenna-standin: stands in for the Antenna app as far as NATS JetStream is concerned, so the lab
// can reproduce the platform's incidents with the app's real naming and consumer settings.
//
//	antenna-standin worker                     pull and ack tasks of every job stream, like a celery worker
//	antenna-standin enqueue --job ID --tasks N create job_{ID} + job-{ID}-consumer and publish N tasks (the app's side)
//	antenna-standin status --job ID            print the job consumer's state as JSON
//	antenna-standin migrate                    the app's release command: log one line to LAB_MIGRATION_LOG
//	antenna-standin health                     exit 0 once the worker consumes (the compose healthcheck)
//
// With LAB_TASK_SECONDS set, a worker takes that long per task and logs "start"/"finish" of each to
// LAB_TASK_LOG, acking only when done; SIGTERM is then celery's warm shutdown: the task in hand is
// finished, no other taken, then it exits (and logs "stop … N task(s) in hand"). APP_VERSION names the release in every line; LAB_BROKEN makes a
// worker fail at start (a bad release).
//
// Like the app, it reads NATS_URL and falls back to nats://localhost:4222 when it is missing —
// inside a container that is the container itself, and every connect fails.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/nats-io/nats.go"
)

const defaultURL = "nats://localhost:4222"

type task struct {
	ID       int    `json:"id"`
	ImageID  int    `json:"image_id"`
	ImageURL string `json:"image_url"`
}

func main() {
	log.SetFlags(0)
	log.SetOutput(os.Stdout)
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: antenna-standin worker|enqueue|status [flags]")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "worker", "/start-celeryworker":
		// The app's own start command for a celery worker (its compose files say /start-celeryworker).
		worker()
	case "/start", "/start-celerybeat", "/start-flower":
		// The app's other processes (web, beat, flower) take no tasks from NATS: they only run.
		log.Printf("running as %s (CELERY_QUEUES=%q); the lab stand-in takes no tasks in this role", os.Args[1], os.Getenv("CELERY_QUEUES"))
		select {}
	case "enqueue":
		enqueue(os.Args[2:])
	case "status":
		status(os.Args[2:])
	case "migrate":
		migrate()
	case "health":
		if _, err := os.Stat(readyFile); err != nil {
			fmt.Fprintln(os.Stderr, "not consuming yet")
			os.Exit(1)
		}
	default:
		fmt.Fprintln(os.Stderr, "unknown command", os.Args[1])
		os.Exit(2)
	}
}

func logf(level, format string, args ...interface{}) {
	log.Printf("%s [%-5s] %s", time.Now().UTC().Format("2006-01-02 15:04:05"), level, fmt.Sprintf(format, args...))
}

func natsURL() string {
	if u := os.Getenv("NATS_URL"); u != "" {
		return u
	}
	return defaultURL
}

// connectFailure words a failed connect the way the app's asyncio client logs it.
func connectFailure(raw string, err error) string {
	host, port := "127.0.0.1", "4222"
	if u, perr := url.Parse(raw); perr == nil && u.Hostname() != "" {
		host = u.Hostname()
		if u.Port() != "" {
			port = u.Port()
		}
		if ips, lerr := net.LookupHost(host); lerr == nil && len(ips) > 0 {
			host = ips[0]
		}
	}
	return fmt.Sprintf("Connect call failed ('%s', %s) (%v)", host, port, err)
}

func connect(retry bool) *nats.Conn {
	u := natsURL()
	for {
		nc, err := nats.Connect(u, nats.Name("antenna-standin"), nats.Timeout(3*time.Second),
			nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
		if err == nil {
			logf("info", "Connected to NATS at %s", nc.ConnectedUrl())
			return nc
		}
		logf("error", "NATS connect to %s failed: %s", u, connectFailure(u, err))
		if !retry {
			os.Exit(1)
		}
		time.Sleep(2 * time.Second)
	}
}

func failSet() map[int]bool {
	out := map[int]bool{}
	for _, s := range strings.Split(os.Getenv("LAB_FAIL_TASKS"), ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err == nil {
			out[n] = true
		}
	}
	return out
}

const readyFile = "/tmp/consuming"

// inHand counts the tasks being processed now (0 or 1: one at a time).
var inHand atomic.Int32

// appendLine adds one line to a log file shared across releases (a bind mount), or stdout when unset.
func appendLine(path, line string) {
	stamped := time.Now().UTC().Format(time.RFC3339Nano) + " " + line
	log.Print(line)
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		logf("error", "cannot write %s: %v", path, err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, stamped)
}

func version() string {
	if v := os.Getenv("APP_VERSION"); v != "" {
		return v
	}
	return "unversioned"
}

func migrate() {
	path := os.Getenv("LAB_MIGRATION_LOG")
	if path == "" {
		path = "/logs/migrations.log"
	}
	host, _ := os.Hostname()
	appendLine(path, fmt.Sprintf("migrate: applied the migrations of %s (container %s)", version(), host))
}

func worker() {
	if os.Getenv("LAB_BROKEN") != "" {
		logf("error", "cannot start %s: %s", version(), os.Getenv("LAB_BROKEN"))
		os.Exit(1)
	}
	nc := connect(true)
	defer nc.Close()
	js, err := nc.JetStream()
	if err != nil {
		logf("error", "JetStream unavailable: %v", err)
		os.Exit(1)
	}
	// A worker whose tasks take time (LAB_TASK_SECONDS) shuts down warm once it consumes; otherwise, and
	// while it cannot reach NATS, SIGTERM ends it at once.
	stop := make(chan os.Signal, 1)
	if taskSeconds() > 0 {
		signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	}
	os.MkdirAll("/tmp", 0o1777)
	os.WriteFile(readyFile, []byte(version()+"\n"), 0o644)
	fail := failSet()
	subs := map[string]*nats.Subscription{}
	idle := 0
	var stopping atomic.Bool
	go func() {
		sig := <-stop
		host, _ := os.Hostname()
		logf("info", "warm shutdown (%v): no new tasks; the task in hand is finished first", sig)
		if taskSeconds() > 0 {
			appendLine(os.Getenv("LAB_TASK_LOG"), fmt.Sprintf("stop container %s (version %s): %d task(s) in hand", host, version(), inHand.Load()))
		}
		stopping.Store(true)
	}()
	for {
		if stopping.Load() {
			os.Remove(readyFile)
			nc.Drain()
			logf("info", "worker %s stopped", version())
			return
		}
		worked := false
		for name := range js.StreamNames() {
			if !strings.HasPrefix(name, "job_") || stopping.Load() {
				continue
			}
			jobID := strings.TrimPrefix(name, "job_")
			sub, ok := subs[name]
			if !ok {
				durable := "job-" + jobID + "-consumer"
				sub, err = js.PullSubscribe("job."+jobID+".tasks", durable, nats.Bind(name, durable))
				if err != nil {
					continue
				}
				subs[name] = sub
			}
			// Skip streams with nothing to do without waiting on them: hundreds of stale job
			// streams must not slow a worker to one fetch timeout per stream.
			if info, ierr := sub.ConsumerInfo(); ierr == nil && info.NumPending == 0 && info.NumAckPending == 0 {
				continue
			}
			batch := 10
			if taskSeconds() > 0 {
				batch = 1   // one task in hand at a time, as celery's prefetch of 1
			}
			msgs, err := sub.Fetch(batch, nats.MaxWait(500*time.Millisecond))
			if err != nil && err != nats.ErrTimeout {
				continue
			}
			for _, m := range msgs {
				worked = true
				handle(jobID, m, fail)
			}
		}
		if worked {
			idle = 0
		} else if idle++; idle%10 == 1 {
			logf("info", "No jobs found, sleeping")
		}
		if !worked {
			time.Sleep(time.Second)
		}
	}
}

func handle(jobID string, m *nats.Msg, fail map[int]bool) {
	var t task
	meta, _ := m.Metadata()
	deliveries := uint64(0)
	seq := uint64(0)
	if meta != nil {
		deliveries, seq = meta.NumDelivered, meta.Sequence.Stream
	}
	if err := json.Unmarshal(m.Data, &t); err != nil {
		logf("error", "Job %s: malformed task at stream seq %d: %v", jobID, seq, err)
		m.Nak()
		return
	}
	if fail[t.ID] {
		// A permanent error the processing service cannot recover from: no result, so no ack.
		logf("error", "Job %s: task %d (image %d) failed permanently: image not found (delivery %d, stream seq %d)",
			jobID, t.ID, t.ImageID, deliveries, seq)
		m.Nak()
		return
	}
	if d := taskSeconds(); d > 0 {
		host, _ := os.Hostname()
		what := fmt.Sprintf("job %s task %d (version %s, container %s)", jobID, t.ID, version(), host)
		inHand.Add(1)
		defer inHand.Add(-1)
		appendLine(os.Getenv("LAB_TASK_LOG"), "start "+what)
		time.Sleep(time.Duration(d * float64(time.Second)))
		if err := m.Ack(); err != nil {
			logf("error", "Job %s: ack of task %d failed: %v", jobID, t.ID, err)
			return
		}
		appendLine(os.Getenv("LAB_TASK_LOG"), "finish "+what)
		return
	}
	if err := m.Ack(); err != nil {
		logf("error", "Job %s: ack of task %d failed: %v", jobID, t.ID, err)
		return
	}
	logf("info", "Job %s: processed task %d (image %d), acked (delivery %d, stream seq %d)", jobID, t.ID, t.ImageID, deliveries, seq)
}

// taskSeconds is how long a task takes (LAB_TASK_SECONDS); 0: acked at once.
func taskSeconds() float64 {
	d, err := strconv.ParseFloat(os.Getenv("LAB_TASK_SECONDS"), 64)
	if err != nil || d < 0 {
		return 0
	}
	return d
}

func enqueue(args []string) {
	fs := flag.NewFlagSet("enqueue", flag.ExitOnError)
	job := fs.String("job", "", "job id")
	tasks := fs.Int("tasks", 5, "number of tasks")
	maxDeliver := fs.Int("max-deliver", 2, "consumer max_deliver")
	ackWait := fs.Duration("ack-wait", 300*time.Second, "consumer ack_wait (NATS_TASK_TTR)")
	maxAge := fs.Duration("max-age", 86400*time.Second, "stream max_age")
	fs.Parse(args)
	if *job == "" {
		fmt.Fprintln(os.Stderr, "enqueue: --job is required")
		os.Exit(2)
	}
	nc := connect(false)
	defer nc.Close()
	js, _ := nc.JetStream()
	stream, subject, durable := "job_"+*job, "job."+*job+".tasks", "job-"+*job+"-consumer"
	must(js.AddStream(&nats.StreamConfig{Name: stream, Subjects: []string{subject}, MaxAge: *maxAge,
		Storage: nats.FileStorage, Retention: nats.LimitsPolicy}))
	must(js.AddConsumer(stream, &nats.ConsumerConfig{Durable: durable, AckPolicy: nats.AckExplicitPolicy,
		DeliverPolicy: nats.DeliverAllPolicy, AckWait: *ackWait, MaxDeliver: *maxDeliver, MaxAckPending: 1000,
		FilterSubject: subject}))
	if _, err := js.StreamInfo("advisories"); err != nil {
		must(js.AddStream(&nats.StreamConfig{Name: "advisories", Subjects: []string{"$JS.EVENT.ADVISORY.>"},
			MaxAge: time.Hour, Storage: nats.FileStorage}))
	}
	must(js.AddConsumer("advisories", &nats.ConsumerConfig{Durable: "job-" + *job + "-dlq",
		AckPolicy: nats.AckExplicitPolicy, DeliverPolicy: nats.DeliverAllPolicy,
		FilterSubject: "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + stream + "." + durable}))
	for i := 1; i <= *tasks; i++ {
		data, _ := json.Marshal(task{ID: i, ImageID: 100 + i, ImageURL: fmt.Sprintf("https://images.invalid/%d.jpg", 100+i)})
		if _, err := js.Publish(subject, data); err != nil {
			logf("error", "publish task %d: %v", i, err)
			os.Exit(1)
		}
	}
	logf("info", "Queued %d tasks for job %s on stream %s (consumer %s, max_deliver %d)", *tasks, *job, stream, durable, *maxDeliver)
}

func status(args []string) {
	fs := flag.NewFlagSet("status", flag.ExitOnError)
	job := fs.String("job", "", "job id")
	fs.Parse(args)
	nc := connect(false)
	defer nc.Close()
	js, _ := nc.JetStream()
	info, err := js.ConsumerInfo("job_"+*job, "job-"+*job+"-consumer")
	if err != nil {
		fmt.Fprintln(os.Stderr, "status:", err)
		os.Exit(1)
	}
	out, _ := json.Marshal(map[string]interface{}{
		"num_pending": info.NumPending, "num_ack_pending": info.NumAckPending, "num_redelivered": info.NumRedelivered,
		"delivered_stream_seq": info.Delivered.Stream, "ack_floor_stream_seq": info.AckFloor.Stream,
		"max_deliver": info.Config.MaxDeliver,
	})
	fmt.Println(string(out))
}

func must(_ interface{}, err error) {
	if err != nil {
		logf("error", "%v", err)
		os.Exit(1)
	}
}
