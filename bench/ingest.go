package main

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// ingestGroups is how many groups answer their welcome in the ingesting
// section: 6 replies each.
var ingestGroups = envInt("BENCH_INGEST_GROUPS", 100)

// latencySamples is how many replies are timed one by one through IDLE.
var latencySamples = envInt("BENCH_LATENCY_SAMPLES", 100)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// ingest times codev reading replies from IMAP to recorded answers, against
// a bare IMAP fetch of the same messages, then the delay from a reply's
// arrival to its recorded answer with IDLE, on each store.
func (b *bench) ingest(ctx context.Context) error {
	for _, kind := range []string{"sqlite", "postgres"} {
		if err := b.ingestOn(ctx, kind); err != nil {
			return err
		}
	}
	return nil
}

func (b *bench) ingestOn(ctx context.Context, kind string) error {
	s, err := b.newStore(ctx, kind, "ingest")
	if err != nil {
		return err
	}
	defer s.close()
	if err := b.codev.applyGroups(ctx, s, ingestGroups, 1); err != nil {
		return err
	}
	// Send the welcomes (and invitations) and keep their headers.
	sink, err := newSink(true)
	if err != nil {
		return err
	}
	defer sink.close()
	smtpURL := map[string]string{"CODEV_SMTP_URL": "smtp://" + sink.addr}
	srv, err := b.codev.serve(s.env(smtpURL))
	if err != nil {
		return err
	}
	err = srv.wait(10*time.Minute, 100*time.Millisecond, "the welcomes", func() (bool, error) {
		n, _, _, _ := sink.stats()
		return n >= ingestGroups*13, nil
	})
	srv.stop()
	if err != nil {
		return err
	}
	replies, err := welcomeReplies(sink.headers)
	if err != nil {
		return err
	}
	batch, later := replies, replies[:latencySamples]

	box, err := newMailbox()
	if err != nil {
		return err
	}
	defer box.close()
	for _, r := range batch {
		if err := box.deliver(r("batch")); err != nil {
			return err
		}
	}
	// The reference: one connection fetching every message as the watcher
	// does (BODY.PEEK[] and the same attributes), nothing stored.
	start := time.Now()
	if err := bareFetch(box.addr, len(batch)); err != nil {
		return err
	}
	bare := float64(len(batch)) / time.Since(start).Seconds()

	env := s.env(smtpURL)
	env = append(env, "CODEV_IMAP_URL="+box.url())
	srv, err = b.codev.serve(env)
	if err != nil {
		return err
	}
	defer srv.stop()
	var first time.Time
	err = srv.wait(10*time.Minute, 2*time.Millisecond, "the replies to be recorded", func() (bool, error) {
		stored, err := s.count(ctx, `SELECT count(*) FROM inbound`)
		if err != nil {
			return false, err
		}
		if stored > 0 && first.IsZero() {
			first = time.Now()
		}
		done, err := s.count(ctx, `SELECT count(*) FROM inbound WHERE status <> 'pending'`)
		return done >= int64(len(batch)), err
	})
	if err != nil {
		return err
	}
	rate := float64(len(batch)) / time.Since(first).Seconds()
	answers, err := s.count(ctx, `SELECT count(*) FROM answers`)
	if err != nil {
		return err
	}
	if answers != int64(len(batch)) {
		return fmt.Errorf("%d answers recorded for %d replies", answers, len(batch))
	}
	b.add(row{figure: "ingesting, IMAP to recorded answers (" + kind + ")", value: fmt.Sprintf("%.0f replies/s", rate),
		reference: fmt.Sprintf("bare IMAP fetch %.0f msgs/s", bare), ratio: fmt.Sprintf("%.2f", rate/bare),
		target: "≥ 0.3", ok: rate >= 0.3*bare})

	// Delay from arrival to recorded answer, one reply at a time, the
	// watcher idling.
	time.Sleep(time.Second)
	var lat []time.Duration
	for i, r := range later {
		want := int64(len(batch) + i + 1)
		t0 := time.Now()
		if err := box.deliver(r(fmt.Sprintf("late-%d", i))); err != nil {
			return err
		}
		err := srv.wait(30*time.Second, time.Millisecond, "a reply", func() (bool, error) {
			done, err := s.count(ctx, `SELECT count(*) FROM inbound WHERE status <> 'pending'`)
			return done >= want, err
		})
		if err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
		if os.Getenv("BENCH_DEBUG") != "" {
			fmt.Fprintf(os.Stderr, "latency %d: %s\n", i, time.Since(t0))
		}
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(lat)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	b.add(row{figure: "reply arrival to recorded answer, IDLE, p50 (" + kind + ")", value: ms(p50), reference: "-", ratio: "-",
		target: "< 200 ms", ok: p50 < 200*time.Millisecond})
	b.add(row{figure: "reply arrival to recorded answer, IDLE, p99 (" + kind + ")", value: ms(p99), reference: "-", ratio: "-",
		target: "< 1 s", ok: p99 < time.Second})
	return nil
}

// welcomeReplies returns, for every welcome sent, a function making the
// member's reply accepting the charter, with a Message-ID made of tag.
func welcomeReplies(headers [][]byte) ([]func(tag string) []byte, error) {
	var out []func(string) []byte
	for i, h := range headers {
		m, err := mail.ReadMessage(bytes.NewReader(append(h, '\r', '\n')))
		if err != nil {
			return nil, err
		}
		subject := m.Header.Get("Subject")
		if !strings.Contains(subject, "Bienvenue") {
			continue
		}
		to, err := mail.ParseAddress(m.Header.Get("To"))
		if err != nil {
			return nil, err
		}
		replyTo, err := mail.ParseAddress(m.Header.Get("Reply-To"))
		if err != nil {
			return nil, err
		}
		id := m.Header.Get("Message-Id")
		out = append(out, func(tag string) []byte {
			return []byte(fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: Re: %s\r\nMessage-ID: <%s-%d@client.example>\r\n"+
				"In-Reply-To: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"+
				"J'accepte la charte.\r\n\r\nBien à vous\r\n\r\nLe lun. 4 janv. 2027, Codev a écrit :\r\n> Bienvenue\r\n",
				to.Address, replyTo.Address, subject, tag, i, id, time.Now().Format(time.RFC1123Z)))
		})
	}
	if len(out) < latencySamples {
		return nil, fmt.Errorf("only %d welcomes", len(out))
	}
	return out, nil
}

// bareFetch downloads the n messages of INBOX as the watcher does.
func bareFetch(addr string, n int) error {
	c, err := imapclient.DialInsecure(addr, nil)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Login("codev@example.org", "secret").Wait(); err != nil {
		return err
	}
	if _, err := c.Select("INBOX", &imap.SelectOptions{ReadOnly: true}).Wait(); err != nil {
		return err
	}
	var uids imap.UIDSet
	uids.AddRange(1, 0)
	msgs, err := c.Fetch(uids, &imap.FetchOptions{UID: true, RFC822Size: true, InternalDate: true, Flags: true,
		BodySection: []*imap.FetchItemBodySection{{Peek: true}}}).Collect()
	if err != nil {
		return err
	}
	if len(msgs) != n {
		return fmt.Errorf("fetched %d messages, want %d", len(msgs), n)
	}
	return c.Logout().Wait()
}
