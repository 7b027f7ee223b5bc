package main

import (
	"context"
	"fmt"
	"time"
)

// idleFor is how long codev serve is left idle before its memory is read.
const idleFor = 20 * time.Second

// idle reads the resident memory of codev serve with b.groups groups whose
// messages are all sent (the databases the send section filled), the IMAP
// watcher idling on an empty mailbox and nothing due.
func (b *bench) idle(ctx context.Context) error {
	for _, kind := range []string{"sqlite", "postgres"} {
		s := b.sent[kind]
		if s == nil {
			var err error
			if s, err = b.newStore(ctx, kind, "idle"); err != nil {
				return err
			}
			b.sent[kind] = s
			if err := b.codev.applyGroups(ctx, s, b.groups, 6); err != nil {
				return err
			}
		}
		sink, err := newSink(false)
		if err != nil {
			return err
		}
		box, err := newMailbox()
		if err != nil {
			sink.close()
			return err
		}
		env := s.env(map[string]string{"CODEV_SMTP_URL": "smtp://" + sink.addr})
		env = append(env, "CODEV_IMAP_URL="+box.url())
		srv, err := b.codev.serve(env)
		if err != nil {
			return err
		}
		// Anything still due is sent first (when the send section did not
		// run), then the process is left alone.
		err = srv.wait(20*time.Minute, 200*time.Millisecond, "nothing due", func() (bool, error) {
			n, err := s.count(ctx, `SELECT count(*) FROM messages WHERE status IN ('pending', 'sending')`)
			return n == 0, err
		})
		var peak, last int64
		if err == nil {
			deadline := time.Now().Add(idleFor)
			for time.Now().Before(deadline) && err == nil {
				time.Sleep(time.Second)
				last, err = srv.rss()
				peak = max(peak, last)
			}
		}
		srv.stop()
		sink.close()
		box.close()
		if err != nil {
			return err
		}
		b.add(row{figure: fmt.Sprintf("idle resident memory, %d groups, nothing due (%s)", b.groups, kind),
			value: fmt.Sprintf("%s (highest %s over %s)", mb(last), mb(peak), idleFor), reference: "-", ratio: "-",
			target: "< 60 MB", ok: last < 60e6})
	}
	return nil
}
