package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/codev-org/codev/mail/inbound"
)

func (m *Main) inspectMail(_ context.Context, args []string) error {
	fs := m.flags("inspect-mail", "inspect-mail [--request FILE] FILE... (or - for standard input)\n\nPrints one line of JSON per message: its kind (reply, auto_reply, bounce,\ncalendar_reply, unknown) and why, the reply text as codev extracted it, the\nanswers by question number, the rating, for RSVPs and bounces what they\nsay, and what the Authentication-Results trusted (CODEV_AUTHSERV_ID) say of\nthe sender's domain. With --request, the messages are read as replies to that email, as\ncodev reads replies to a request whose text it kept, and \"mapping\" shows\neach line of the reply with its role (request, answer, text, quote, quoting,\nfooter) and question. Needs no database and no network.")
	requestFile := fs.String("request", "", "the email the messages answer: a .eml as codev sent it (codev preview writes them) or its plain text")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	request := ""
	if *requestFile != "" {
		raw, err := os.ReadFile(*requestFile)
		if err != nil {
			return fmt.Errorf("error reading the request: %w", err)
		}
		request = inbound.RequestText(raw)
	}
	enc := json.NewEncoder(m.Stdout)
	enc.SetEscapeHTML(false)
	failed := 0
	for _, name := range fs.Args() {
		raw, err := m.readMail(name)
		if err != nil {
			fmt.Fprintf(m.Stderr, "codev inspect-mail: %v\n", err)
			failed++
			continue
		}
		msg := inbound.Parse(raw, inbound.Options{Request: request, AuthServIDs: authServIDs(m.Getenv)})
		sum := msg.Summary(name)
		if request != "" {
			sum.Mapping = msg.MapReply(request)
		}
		if err := enc.Encode(sum); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d file(s) could not be read", failed)
	}
	return nil
}

func (m *Main) readMail(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(io.LimitReader(m.Stdin, 64<<20))
	}
	return os.ReadFile(name)
}
