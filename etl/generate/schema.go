package generate

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/precedent-dev/precedent/etl/contract"
)

// arrowType maps a contract column type to the Arrow type it is written as.
func arrowType(t contract.Type) arrow.DataType {
	switch t {
	case contract.Date:
		return arrow.FixedWidthTypes.Date32
	case contract.Timestamp:
		return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
	case contract.Money:
		return &arrow.Decimal128Type{Precision: 18, Scale: 2}
	case contract.Price, contract.Quantity:
		return &arrow.Decimal128Type{Precision: 18, Scale: 4}
	case contract.Rate:
		return &arrow.Decimal128Type{Precision: 18, Scale: 8}
	case contract.Int:
		return arrow.PrimitiveTypes.Int32
	case contract.Bool:
		return arrow.FixedWidthTypes.Boolean
	default:
		return arrow.BinaryTypes.String
	}
}

// schemaFor derives the Arrow schema of an entity from the contract: the
// contract's column names, in contract order, all nullable.
func schemaFor(entity string) (*arrow.Schema, error) {
	e, ok := contract.Lookup(entity)
	if !ok {
		return nil, fmt.Errorf("schema: unknown entity %q", entity)
	}
	fields := make([]arrow.Field, len(e.Columns))
	for i, c := range e.Columns {
		fields[i] = arrow.Field{Name: c.Name, Type: arrowType(c.Type), Nullable: true}
	}
	return arrow.NewSchema(fields, nil), nil
}
