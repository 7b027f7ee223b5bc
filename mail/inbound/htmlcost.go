package inbound

import (
	"hash/fnv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// html.Parse is not linear on deep documents: block and formatting tags
// make it walk its stack of open elements down to the nearest table cell
// (or the bottom), so a megabyte of list items under 190 nested lists took
// 1.3 to 1.9 s, 20 nested lists 0.3 s, and the 25 MB size cap multiplies
// that by 25. HTMLToText therefore estimates that work with a pass of the
// tokenizer first (a few ms per MB), and reads a document that would
// exceed walkBudget as flat text, as it reads one html.Parse refuses.

// walkCheckMin is the size under which the estimate is skipped: the worst
// document that small costs html.Parse a few tens of milliseconds.
const walkCheckMin = 8 << 10

// walkBudget is the estimated stack walking html.Parse may do for s: a
// million steps and two per byte (a step took 25 to 50 ns on the project's
// VM, so at most about 30 ms and 60–100 ms per MB). A Gmail thread of 100
// replies quoted inside each other, 1.4 MB, needs 2.3 steps per byte, 3.2
// million in all: it keeps its structure.
func walkBudget(s string) int { return 1<<20 + 2*len(s) }

// maxElements bounds the elements html.Parse is given: it allocates a node
// for each, and with the rendering that takes about half a microsecond. A
// document of more than 65,536 elements and one per 16 bytes (130,000 in a
// megabyte: list items or cells of a few bytes each, which no mail client
// writes) is read flat.
func maxElements(s string) int { return 1<<16 + len(s)/16 }

// walkTooCostly reports whether html.Parse would walk its stack of open
// elements more than budget steps on s, or build more than maxElements. It replays the tokens on a
// simplified stack (implied end tags of paragraphs, list items, cells and
// options, end tags matched near the top only) and charges block and
// formatting start tags, and unmatched end tags, the number of elements
// above the nearest scope boundary (table, cell, caption, object…), an
// upper bound of the parser's walks; other tags cost one step.
func walkTooCostly(s string, budget int) bool {
	z := html.NewTokenizer(strings.NewReader(s))
	var (
		stack    []uint32 // open elements, as tagKey
		stops    []int    // indexes in stack of scope boundaries
		cost     int
		elements int
		limit    = maxElements(s)
	)
	pop := func(to int) {
		stack = stack[:to]
		for len(stops) > 0 && stops[len(stops)-1] >= to {
			stops = stops[:len(stops)-1]
		}
	}
	top := func() uint32 {
		if len(stack) == 0 {
			return 0
		}
		return stack[len(stack)-1]
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return false
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken && tt != html.EndTagToken {
			continue
		}
		name, _ := z.TagName()
		a := atom.Lookup(name)
		key := tagKey(a, name)
		above := len(stack)
		if len(stops) > 0 {
			above -= stops[len(stops)-1] + 1
		}
		if tt == html.EndTagToken {
			// The parser looks for the element from the top: matched
			// near it, the end tag is cheap; a stray one is charged the
			// whole walk, and changes nothing.
			walk := above
			for i := len(stack) - 1; i >= 0 && i >= len(stack)-16; i-- {
				if stack[i] == key {
					walk = len(stack) - i
					pop(i)
					break
				}
			}
			if cost += walk + 1; cost > budget {
				return true
			}
			continue
		}
		// Block and formatting start tags make the parser walk the stack
		// (to close a paragraph, to compare formatting elements); others
		// do not.
		walk := 0
		if closesP[a] || formatting[a] || a == atom.Option || a == atom.Tr || a == atom.Td || a == atom.Th {
			walk = above
		}
		if cost += walk + 1; cost > budget {
			return true
		}
		if elements++; elements > limit {
			return true
		}
		if voidElements[a] {
			continue
		}
		switch a {
		case atom.Html, atom.Head, atom.Body:
			continue
		case atom.Li, atom.Dd, atom.Dt, atom.Option, atom.Td, atom.Th, atom.Tr, atom.A:
			if t := top(); t == key || (a == atom.Td || a == atom.Th || a == atom.Tr) && (t == uint32(atom.Td) || t == uint32(atom.Th)) {
				pop(len(stack) - 1)
			}
			if a == atom.Tr && top() == uint32(atom.Tr) {
				pop(len(stack) - 1)
			}
		}
		if top() == uint32(atom.P) && closesP[a] {
			pop(len(stack) - 1)
		}
		if scopeStops[a] {
			stops = append(stops, len(stack))
		}
		stack = append(stack, key)
	}
}

// tagKey identifies an element name: its atom, or a hash of names that
// have none (custom and Office elements such as o:p).
func tagKey(a atom.Atom, name []byte) uint32 {
	if a != 0 {
		return uint32(a)
	}
	h := fnv.New32a()
	h.Write(name)
	return h.Sum32() | 1<<31
}

// formatting are the elements the parser keeps in its list of active
// formatting elements.
var formatting = map[atom.Atom]bool{
	atom.A: true, atom.B: true, atom.Big: true, atom.Code: true, atom.Em: true, atom.Font: true, atom.I: true,
	atom.Nobr: true, atom.S: true, atom.Small: true, atom.Strike: true, atom.Strong: true, atom.Tt: true, atom.U: true,
}

// voidElements never open an element.
var voidElements = map[atom.Atom]bool{
	atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true, atom.Track: true,
	atom.Wbr: true, atom.Param: true, atom.Keygen: true, atom.Basefont: true, atom.Bgsound: true,
	atom.Frame: true, atom.Image: true,
}

// scopeStops are where the parser's scope walks stop.
var scopeStops = map[atom.Atom]bool{
	atom.Applet: true, atom.Caption: true, atom.Table: true, atom.Td: true, atom.Th: true,
	atom.Marquee: true, atom.Object: true, atom.Template: true, atom.Select: true, atom.Button: true,
}

// closesP are the start tags that close an open paragraph.
var closesP = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true, atom.Center: true,
	atom.Details: true, atom.Dialog: true, atom.Dir: true, atom.Div: true, atom.Dl: true,
	atom.Fieldset: true, atom.Figcaption: true, atom.Figure: true, atom.Footer: true, atom.Header: true,
	atom.Hgroup: true, atom.Main: true, atom.Menu: true, atom.Nav: true, atom.Ol: true, atom.P: true,
	atom.Section: true, atom.Summary: true, atom.Ul: true, atom.H1: true, atom.H2: true, atom.H3: true,
	atom.H4: true, atom.H5: true, atom.H6: true, atom.Pre: true, atom.Listing: true, atom.Form: true,
	atom.Table: true, atom.Li: true, atom.Dd: true, atom.Dt: true,
}
