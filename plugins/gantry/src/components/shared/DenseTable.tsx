import { Table, type TableColumn } from '@backstage/core-components';

/** The compact, toolbar-less table Gantry cards use; pages only past `pageSize` rows. */
export function DenseTable<T extends object>(props: {
  columns: TableColumn<T>[];
  data: T[];
  pageSize?: number;
}) {
  const pageSize = props.pageSize ?? 20;
  return (
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
  );
}
