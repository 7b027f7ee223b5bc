package main

import (
	"context"
	"fmt"
	"time"
)

// scale applies 1,000 and 10,000 groups and times the reconciler.
func (b *bench) scale(ctx context.Context) error {
	var results []scaleResult
	for _, n := range b.sizes {
		url, err := b.pg.NewDatabase(ctx, true)
		if err != nil {
			return err
		}
		var res scaleResult
		if err := b.child(ctx, &res, "-child", fmt.Sprintf("scale:%d", n), "-url", url); err != nil {
			return err
		}
		results = append(results, res)
		b.add(row{figure: fmt.Sprintf("scale %d groups: reconcile pass, nothing due", n), value: ms(res.Pass),
			reference: "-", ratio: "-", target: "< 1 s", ok: res.Pass < time.Second})
		b.add(row{figure: fmt.Sprintf("scale %d groups: first pass of a process (reads every group)", n), value: ms(res.FullPass),
			reference: "-", ratio: "-", target: "-", ok: true})
		b.add(row{figure: fmt.Sprintf("scale %d groups: one day (24 hourly passes + sends)", n),
			value:     fmt.Sprintf("%s reconciling, %d messages in %s", ms(res.DayReconcile), res.DayRecords, ms(res.DaySend)),
			reference: "-", ratio: "-", target: "-", ok: true})
		b.add(row{figure: fmt.Sprintf("scale %d groups: peak memory", n), value: mb(res.PeakRSS),
			reference: "-", ratio: "-", target: "< 500 MB", ok: res.PeakRSS < 500e6})
		b.notes = append(b.notes, fmt.Sprintf("scale %d groups: apply %s; the first pass after applying took %s to record %d welcomes and invitations (%.0f/s)",
			n, ms(res.Apply), ms(res.FirstPass), res.FirstRecords, float64(res.FirstRecords)/res.FirstPass.Seconds()))
	}
	if len(results) == 2 && results[0].Groups > 0 {
		a, z := results[0], results[1]
		growth := float64(z.Pass) / float64(a.Pass)
		size := float64(z.Groups) / float64(a.Groups)
		b.add(row{figure: fmt.Sprintf("scale: pass time growth %d→%d groups", a.Groups, z.Groups),
			value: fmt.Sprintf("×%.1f", growth), reference: fmt.Sprintf("×%.0f (linear)", size),
			ratio: fmt.Sprintf("%.2f", growth/size), target: "≤ linear", ok: growth <= size*1.2})
	}
	return nil
}

func ms(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond))
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.1f s", d.Seconds())
}

// mb formats bytes in megabytes (10⁶ bytes), the unit of the targets.
func mb(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/1e6) }
