# jupyter nbconvert configuration for `zfviz notebooks run --kernel jupyter` (JupyterRoute passes it with --config).
#
# Why: the .NET Interactive Jupyter kernel (1.0.712001) sends the later states of a display (DisplayedValue.Update:
# update_display_data) under a display_id other than the one its display_data carried. nbclient updates only outputs
# recorded under the same display_id and records nothing else for update_display_data, so the executed copy kept
# the display's FIRST state. Here such an update becomes one more output of the cell, marked with its display_id;
# ZFViz's post-processing (ExecutedNotebookCleaner.FoldJupyterUpdates) folds the updates into the display they
# update and keeps the last state. Updates whose display_id nbclient knows are left to nbclient (updated in place).
from nbconvert.preprocessors import ExecutePreprocessor
from nbformat.v4 import new_output

UPDATE_MARKER = "zfviz_update_of"


class ZfVizExecutePreprocessor(ExecutePreprocessor):
    def process_message(self, msg, cell, cell_index):
        content = msg.get("content", {})
        display_id = content.get("transient", {}).get("display_id")
        if msg.get("msg_type") == "update_display_data" and display_id and display_id not in self._display_id_map:
            metadata = dict(content.get("metadata", {}))
            metadata[UPDATE_MARKER] = display_id
            cell.outputs.append(new_output("display_data", data=content.get("data", {}), metadata=metadata))
            return None
        return super().process_message(msg, cell, cell_index)


c = get_config()  # noqa: F821 (traitlets provides it to config files)
# Instead of --execute (which would enable the stock ExecutePreprocessor as well): the same executor with the hook.
# --ExecutePreprocessor.timeout and .kernel_name on the command line apply to this subclass too.
c.NotebookExporter.preprocessors = [ZfVizExecutePreprocessor]
