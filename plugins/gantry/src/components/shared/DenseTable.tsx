import { Table, type TableColumn } from '@backstage/core-components';
import { makeStyles } from '@material-ui/core';

const useStyles = makeStyles({
  // Words wrap only between words: a narrow card scrolls sideways instead of showing
  // "APPROV / E" or "payment / s-circuit-breaker".
  root: {
    overflowX: 'auto',
    '& td, & th': {
      wordBreak: 'normal',
      overflowWrap: 'normal',
      hyphens: 'manual',
    },
    '& th, & td button, & td a': { whiteSpace: 'nowrap' },
  },
});

/** The compact, toolbar-less table Gantry cards use; pages only past `pageSize` rows. */
export function DenseTable<T extends object>(props: {
  columns: TableColumn<T>[];
  data: T[];
  pageSize?: number;
}) {
  const classes = useStyles();
  const pageSize = props.pageSize ?? 20;
  return (
    <div className={classes.root} data-testid="gantry-table">
      <Table<T>
        options={{
          paging: props.data.length > pageSize,
          pageSize,
          search: false,
          toolbar: false,
          padding: 'dense',
        }}
        columns={props.columns}
        data={props.data}
      />
    </div>
  );
}
