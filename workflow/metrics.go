package workflow

// Metrics counts what the Service does, for monitoring. The web package
// implements it with Prometheus; the workflow package never imports a
// metrics library. Implementations must be safe for concurrent use and
// must not block: they are called inside use cases, sometimes inside a
// transaction.
type Metrics interface {
	// MessageSent counts an email handed to the mail server.
	MessageSent(kind Kind)
	// MessageFailed counts a failed delivery attempt; permanent is true
	// when the server refused the message for good (5xx), false for a
	// temporary failure that River retries.
	MessageFailed(kind Kind, permanent bool)
	// InboundProcessed counts an inbound message that ended processing,
	// by its kind (reply, bounce, calendar_reply…) and status (processed,
	// ignored, held).
	InboundProcessed(kind, status string)
}

// nopMetrics is the Metrics of a Service configured without one.
type nopMetrics struct{}

func (nopMetrics) MessageSent(Kind)                {}
func (nopMetrics) MessageFailed(Kind, bool)        {}
func (nopMetrics) InboundProcessed(string, string) {}
